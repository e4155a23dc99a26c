// The task definitions the examples share: module + export + traits.
import { defineTask } from 'unified-executor';
import type * as cpu from './cpu.js';
import type * as io from './io.js';

const cpuModule = new URL('./cpu.ts', import.meta.url);
const ioModule = new URL('./io.ts', import.meta.url);

export const fib = defineTask<typeof cpu.fib>(cpuModule, 'fib', { cpuBound: true });
export const digest = defineTask<typeof cpu.digest>(cpuModule, 'digest', { cpuBound: true });
export const identity = defineTask<(x: number) => number>(cpuModule, 'identity');
export const fetchPage = defineTask<typeof io.fetchPage>(ioModule, 'fetchPage', { ioBound: true, expectedCount: 50 });
export const wait = defineTask<typeof io.wait>(ioModule, 'wait', { ioBound: true, expectedCount: 5000 });
