/**
 * `defineTask` checks a task's traits at definition time, with the same
 * validator as the executor's `traits` option: a typo such as `cpubound` would
 * otherwise route the task to the wrong backend without a word.
 */
import { describe, expect, it } from 'vitest';
import { createExecutor, defineTask, type TaskTraits } from 'unified-executor';

// defineTask only names the module (it is imported when a task runs), so it need not exist here.
const math = new URL('./fixtures/math.mjs', import.meta.url);
const define = (traits: unknown) => () => defineTask(math, 'fib', traits as TaskTraits);

describe('defineTask refuses bad traits, naming the task and the trait', () => {
  it.each([
    ['a typo in the case', { cpubound: true }, TypeError,
      'Unknown task trait `cpubound` in the traits of task math.mjs#fib (did you mean `cpuBound`?)'],
    ['all upper case', { IOBOUND: true }, TypeError, '(did you mean `ioBound`?)'],
    ['a misspelling', { expectedCout: 3 }, TypeError, '(did you mean `expectedCount`?)'],
    ['an unknown trait', { gpu: true }, TypeError,
      'Unknown task trait `gpu` in the traits of task math.mjs#fib (expected one of cpuBound, ioBound, expectedCount, needsSync, lifecycleControl)'],
    ['a string for a flag', { cpuBound: 'yes' }, TypeError,
      'Expected trait `cpuBound` of task math.mjs#fib to be a boolean, got `yes` (string)'],
    ['a number for a flag', { ioBound: 1 }, TypeError, 'trait `ioBound` of task math.mjs#fib to be a boolean'],
    ['null for a flag', { needsSync: null }, TypeError, 'trait `needsSync` of task math.mjs#fib to be a boolean'],
    ['a string for lifecycleControl', { lifecycleControl: 'true' }, TypeError, 'trait `lifecycleControl`'],
    ['a negative count', { ioBound: true, expectedCount: -1 }, RangeError,
      'Expected trait `expectedCount` of task math.mjs#fib to be an integer from 0 and up, got `-1` (number)'],
    ['NaN for a count', { ioBound: true, expectedCount: NaN }, RangeError, 'got `NaN` (number)'],
    ['a fractional count', { ioBound: true, expectedCount: 2.5 }, RangeError, 'got `2.5` (number)'],
    ['Infinity for a count', { ioBound: true, expectedCount: Infinity }, RangeError, 'got `Infinity` (number)'],
    ['a string for a count', { ioBound: true, expectedCount: '10' }, TypeError, 'got `10` (string)'],
    ['traits that are not an object', 'cpu', TypeError,
      'Expected the traits of task math.mjs#fib to be an object, got `cpu` (string)'],
    ['null traits', null, TypeError, 'Expected the traits of task math.mjs#fib to be an object'],
    ['an array of traits', ['cpuBound'], TypeError, 'Expected the traits of task math.mjs#fib to be an object'],
  ])('%s: %j', (_what, traits, ErrorClass, message) => {
    expect(define(traits)).toThrow(ErrorClass);
    expect(define(traits)).toThrow(message);
  });

  it.each([
    [{}],
    [{ cpuBound: true }],
    [{ ioBound: true, expectedCount: 0 }],
    [{ ioBound: true, expectedCount: 10_000, needsSync: false, lifecycleControl: true }],
    [{ cpuBound: undefined, expectedCount: undefined }],
  ])('accepts %j', (traits) => {
    expect(define(traits)()).toMatchObject({ label: 'math.mjs#fib', traits });
  });

  it('defaults to no traits', () => {
    expect(define(undefined)().traits).toEqual({});
  });
});

describe('one validator: the executor option refuses exactly what defineTask refuses', () => {
  it.each([
    [{ cpubound: true }, '`cpubound`'],
    [{ cpuBound: 'yes' }, 'cpuBound'],
    [{ ioBound: true, expectedCount: -1 }, 'expectedCount'],
    [{ ioBound: true, expectedCount: NaN }, 'expectedCount'],
    [{ lifecycleControl: 0 }, 'lifecycleControl'],
  ])('%j', (traits, trait) => {
    const fromTask = errorOf(define(traits));
    const fromOption = errorOf(() => createExecutor({ backend: 'async', traits: traits as TaskTraits }));
    expect(fromOption.constructor).toBe(fromTask.constructor);
    expect(fromTask.message).toContain(trait);
    expect(fromOption.message).toContain(trait);
    // The option's message names the option path instead of the task.
    expect(fromOption.message).toContain('`traits');
    expect(fromTask.message).toContain('math.mjs#fib');
  });

  it('the option gets the same did-you-mean', () => {
    expect(() => createExecutor({ traits: { IoBound: true } as TaskTraits })).toThrow(
      'Unknown task trait `IoBound` in `traits` (did you mean `ioBound`?)',
    );
  });
});

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
