/**
 * `backend: 'auto'`: routes each task by the policy (its own traits over the
 * executor's defaults) and creates each backend lazily the first time the
 * policy picks it. One auto executor can run an I/O step on the async queue and
 * a CPU step on the process pool; each backend's events come out of this one
 * executor, and `stats()` shows them per backend and in total.
 */
import { EventEmitter } from 'eventemitter3';
import { backendFactories } from './backends/index.js';
import { ExecutorClosedError, TaskNotPortableError } from './errors.js';
import type { Executor, ExecutorEvents, ExecutorStats, MapOptions, RunOptions } from './executor.js';
import { LocalExecutor } from './local-executor.js';
import type { ExecutorOptions } from './options.js';
import { selectBackend, type Decision, type LocalBackend, type TaskTraits } from './policy.js';
import { sizeBackend, sizedOptions } from './sizing.js';
import { checkTimerOptions } from './shared/run-options.js';
import { LatencyWindow, sumStats } from './shared/stats.js';
import { isTask, taskLabel, type Task, type TaskFunction } from './task.js';

const FORWARDED: (keyof ExecutorEvents)[] = ['taskStart', 'taskEnd', 'taskError', 'workerSpawn', 'workerExit', 'warning'];

export class AutoExecutor extends EventEmitter<ExecutorEvents> implements Executor {
  readonly backend = 'auto' as const;
  #options: ExecutorOptions;
  #children = new Map<LocalBackend, LocalExecutor>();
  #state: 'open' | 'closing' | 'destroyed' = 'open';
  #closing?: Promise<void>;
  #destroying?: Promise<void>;

  constructor(options: ExecutorOptions) {
    super();
    // Backends are created lazily: check now, so a bad option fails createExecutor, not the first run.
    checkTimerOptions(options);
    this.#options = options;
  }

  explain(task?: Task | TaskFunction): Decision {
    const traits = this.#traitsOf(task);
    const decision = selectBackend(traits, this.#options.policy);
    const size = sizeBackend(decision.backend, traits, this.#options);
    return { ...decision, size };
  }

  run<I, O>(task: Task<I, O> | TaskFunction<I, O>, input: NoInfer<I>, options?: RunOptions): Promise<O> {
    let child: LocalExecutor;
    try {
      child = this.#route(task);
    } catch (error) {
      return Promise.reject(error);
    }
    return child.run(task, input, options);
  }

  map<I, O>(
    task: Task<I, O> | TaskFunction<I, O>,
    inputs: Iterable<NoInfer<I>> | AsyncIterable<NoInfer<I>>,
    options?: MapOptions,
  ): AsyncIterableIterator<O> {
    let child: LocalExecutor;
    try {
      child = this.#route(task);
    } catch (error) {
      return failingIterator<O>(error);
    }
    return child.map(task, inputs, options);
  }

  stats(): ExecutorStats {
    const backends: NonNullable<ExecutorStats['backends']> = {};
    for (const [name, child] of this.#children) backends[name] = child.stats();
    const parts = Object.values(backends);
    // Percentiles do not add up across backends: the total shows the worst of each.
    const worst = (key: 'waitTime' | 'runTime') => {
      const empty = new LatencyWindow().percentiles();
      return parts.reduce(
        (acc, p) => ({
          p50: Math.max(acc.p50, p[key].p50),
          p90: Math.max(acc.p90, p[key].p90),
          p99: Math.max(acc.p99, p[key].p99),
          max: Math.max(acc.max, p[key].max),
        }),
        empty,
      );
    };
    return { ...sumStats('auto', parts), waitTime: worst('waitTime'), runTime: worst('runTime'), backends };
  }

  async onIdle(): Promise<void> {
    await Promise.all([...this.#children.values()].map((c) => c.onIdle()));
  }

  close(): Promise<void> {
    if (this.#destroying) return this.#destroying;
    if (!this.#closing) {
      this.#state = 'closing';
      this.#closing = Promise.all([...this.#children.values()].map((c) => c.close())).then(() => undefined);
    }
    return this.#closing;
  }

  destroy(): Promise<void> {
    if (!this.#destroying) {
      this.#state = 'destroyed';
      this.#destroying = Promise.all([...this.#children.values()].map((c) => c.destroy())).then(() => undefined);
    }
    return this.#destroying;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #traitsOf(task?: Task | TaskFunction): TaskTraits {
    return { ...this.#options.traits, ...(task && isTask(task) ? task.traits : {}) };
  }

  /** The backend executor for this task, created on first use. */
  #route(task: Task | TaskFunction): LocalExecutor {
    if (this.#state !== 'open') {
      throw new ExecutorClosedError(`Cannot run task ${taskLabel(task)}: the executor is ${this.#destroying ? 'destroyed' : 'closed'}`);
    }
    const traits = this.#traitsOf(task);
    const decision = selectBackend(traits, this.#options.policy);
    if (decision.backend !== 'async' && !isTask(task)) {
      throw new TaskNotPortableError(
        `Task ${taskLabel(task)} is a plain function, but rule '${decision.rule}' chose the ${decision.backend} backend, ` +
          'which cannot receive a closure: define it with defineTask(module, exportName, traits)',
      );
    }
    let child = this.#children.get(decision.backend);
    if (!child) {
      child = createLocalExecutor(decision.backend, traits, this.#options, () => this.explain(task));
      for (const event of FORWARDED) {
        child.on(event, (...args: unknown[]) => (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args));
      }
      child.on('idle', () => {
        if ([...this.#children.values()].every((c) => c.stats().queued + c.stats().running === 0)) this.emit('idle');
      });
      this.#children.set(decision.backend, child);
    }
    return child;
  }
}

/** One backend behind the Executor interface, sized for `traits`. */
export function createLocalExecutor(
  backend: LocalBackend,
  traits: TaskTraits,
  options: ExecutorOptions,
  decision: (task?: Task | TaskFunction) => Decision,
): LocalExecutor {
  const factory = backendFactories[backend];
  if (!factory) throw new TypeError(`The ${backend} backend is not available in this build`);
  return new LocalExecutor({ factory, options: sizedOptions(backend, traits, options), traits, decision });
}

function failingIterator<O>(error: unknown): AsyncIterableIterator<O> {
  return (async function* () {
    throw error;
  })();
}
