/** The task definitions the contract suite runs on every backend. */
import { defineTask } from 'unified-executor';

const fixture = (file: string) => new URL(`../fixtures/${file}`, import.meta.url);

export const echo = defineTask<(x: unknown) => unknown>(fixture('values.mjs'));
export const double = defineTask<(n: number) => number>(fixture('values.mjs'), 'double');
export const doubleLater = defineTask<(n: number) => Promise<number>>(fixture('values.mjs'), 'doubleLater');
export const notAFunction = defineTask<(x: unknown) => unknown>(fixture('values.mjs'), 'notAFunction');
export const missingExport = defineTask<(x: unknown) => unknown>(fixture('values.mjs'), 'noSuchExport');
export const missingModule = defineTask<(x: unknown) => unknown>(fixture('does-not-exist.mjs'), 'anything');
export const throwsAtImport = defineTask<(x: unknown) => unknown>(fixture('throws-at-import.mjs'));
export const fail = defineTask<(x: { message: string; code: string }) => never>(fixture('errors.mjs'), 'fail');
export const rejectLater = defineTask<(message: string) => Promise<never>>(fixture('errors.mjs'), 'rejectLater');
export const sleep = defineTask<(x: { ms: number; value: any }) => Promise<any>>(fixture('timing.mjs'), 'sleep');
export const hang = defineTask<(x: unknown) => Promise<never>>(fixture('timing.mjs'), 'hang');
export const failOnObject = defineTask<(x: number | { message: string; code: string }) => number>(
  fixture('errors.mjs'),
  'failOnObject',
);
