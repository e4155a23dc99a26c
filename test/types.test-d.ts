/** Type tests (vitest typecheck): the task's function type flows to run/map. */
import { describe, expectTypeOf, it } from 'vitest';
import {
  createExecutor,
  defineTask,
  type PolicyOptions,
  type RuleId,
  type Task,
  type TaskContext,
  type TaskProfile,
  type TaskProgress,
  type TaskProgressEvent,
} from 'unified-executor';

declare function fib(n: number): number;
declare function fetchTitle(url: string): Promise<string>;

const fibTask = defineTask<typeof fib>('/abs/math.js', 'fib', { cpuBound: true });
const titleTask = defineTask<typeof fetchTitle>('/abs/web.js', 'fetchTitle');
const executor = createExecutor();

describe('typed tasks', () => {
  it('infers input and output from the function type', () => {
    expectTypeOf(fibTask).toEqualTypeOf<Task<number, number>>();
    expectTypeOf(titleTask).toEqualTypeOf<Task<string, string>>();
    expectTypeOf(executor.run(fibTask, 10)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(executor.run(titleTask, 'http://127.0.0.1/')).toEqualTypeOf<Promise<string>>();
    expectTypeOf(executor.map(fibTask, [1, 2, 3])).toEqualTypeOf<AsyncIterableIterator<number>>();
  });

  it('makes a wrong input a compile error', () => {
    // @ts-expect-error fib takes a number, not a string
    void executor.run(fibTask, 'text');
    // @ts-expect-error map's inputs must be numbers too
    void executor.map(fibTask, ['a']);
  });

  it('types plain functions on run', () => {
    expectTypeOf(executor.run((s: string) => s.length, 'abc')).toEqualTypeOf<Promise<number>>();
    // @ts-expect-error the function takes a string
    void executor.run((s: string) => s.length, 42);
  });
});

describe('measured traits types', () => {
  it('exports TaskProfile, Decision.measured, PolicyOptions.adapt and the measured rule ids', () => {
    expectTypeOf(executor.explain(fibTask).measured).toEqualTypeOf<TaskProfile | undefined>();
    expectTypeOf<TaskProfile['kind']>().toEqualTypeOf<'cpu' | 'blocking-io' | 'waiting-io'>();
    expectTypeOf<PolicyOptions['adapt']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<'measured-cpu'>().toMatchTypeOf<RuleId>();
    createExecutor({ policy: { adapt: true, backends: { 'measured-waiting': 'async' } } });
    // @ts-expect-error adapt is a boolean
    createExecutor({ policy: { adapt: 'yes' } });
  });
});

type Progress = { bytes: number };
declare function hashFile(path: string, ctx: TaskContext<Progress>): Promise<string>;

describe('task context types', () => {
  const hash = defineTask<typeof hashFile>('/abs/files.js', 'hashFile');

  it('infers the progress type P from the second parameter of the function', () => {
    expectTypeOf(hash).toEqualTypeOf<Task<string, string, Progress>>();
    expectTypeOf<TaskProgress<typeof hashFile>>().toEqualTypeOf<Progress>();
    // A one-parameter task reports nothing it could type.
    expectTypeOf<TaskProgress<typeof fib>>().toEqualTypeOf<unknown>();
  });

  it('types onProgress from the task, on run and map, and the context members', () => {
    void executor.run(hash, '/tmp/x', { onProgress: (p) => expectTypeOf(p).toEqualTypeOf<Progress>() });
    void executor.map(hash, ['/tmp/x'], {
      onProgress: (p, index) => {
        expectTypeOf(p).toEqualTypeOf<Progress>();
        expectTypeOf(index).toEqualTypeOf<number>();
      },
    });
    // @ts-expect-error the progress value is { bytes: number }, not a number
    void executor.run(hash, '/tmp/x', { onProgress: (p: number) => p });
    expectTypeOf<TaskContext<Progress>['signal']>().toEqualTypeOf<AbortSignal>();
    expectTypeOf<TaskContext<Progress>['attempt']>().toEqualTypeOf<number>();
    expectTypeOf<TaskContext<Progress>['progress']>().parameter(0).toEqualTypeOf<Progress>();
    createExecutor({ abortGraceMs: 100 });
  });

  it('types a plain function that takes a context, and the taskProgress event', () => {
    const task = (n: number, ctx: TaskContext<string>) => {
      ctx.progress('half');
      // @ts-expect-error progress takes a string here
      ctx.progress(1);
      return n * 2;
    };
    void executor.run(task, 2, { onProgress: (p) => expectTypeOf(p).toEqualTypeOf<string>() });
    executor.on('taskProgress', (event) => {
      expectTypeOf(event).toEqualTypeOf<TaskProgressEvent>();
      expectTypeOf(event.value).toEqualTypeOf<unknown>();
    });
  });
});
