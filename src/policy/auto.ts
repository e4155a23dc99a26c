/**
 * `backend: 'auto'`: routes each task by the policy (its own traits over the
 * executor's defaults) and creates each backend lazily the first time the
 * policy picks it. One auto executor can run an I/O step on the async queue and
 * a CPU step on the process pool; each backend's events come out of this one
 * executor, and `stats()` shows them per backend and in total.
 *
 * Measured traits: every backend it creates records into one TaskProfiles
 * store, so a task keeps its profile when it moves. With `policy.adapt`, a
 * portable task measured a few times is routed by its measured kind (calls
 * submitted before that go where its traits said; a `map` is routed once,
 * when it starts); without, a measurement that contradicts the declared rule
 * is reported once per task as a `policy-advice` warning.
 */
import { EventEmitter } from 'eventemitter3';
import { backendFactories } from '../backends/index.js';
import { ExecutorClosedError, TaskNotPortableError } from '../errors.js';
import type { Executor, ExecutorEvents, ExecutorStats, MapOptions, RunOptions } from '../executor.js';
import { LocalExecutor, type LocalExecutorInit } from '../core/local-executor.js';
import type { ExecutorOptions } from '../options.js';
import {
  adaptedDecision,
  describeProfile,
  measuredDecision,
  MEASURED_AFTER_RUNS,
  selectBackend,
  type Decision,
  type LocalBackend,
  type TaskTraits,
} from './rules.js';
import { sizeBackend, sizedOptions } from './sizing.js';
import { checkTimerOptions } from '../core/run-options.js';
import { RateLimiter } from '../core/rate-limiter.js';
import { LatencyWindow, sumStats } from '../core/stats.js';
import { TaskProfiles, type TaskProfile } from './task-profile.js';
import { isTask, taskLabel, type Task, type TaskFunction } from '../task.js';

const FORWARDED: (keyof ExecutorEvents)[] = ['taskStart', 'taskEnd', 'taskError', 'taskProgress', 'workerSpawn', 'workerExit', 'warning'];

export class AutoExecutor extends EventEmitter<ExecutorEvents> implements Executor {
  readonly backend = 'auto' as const;
  #options: ExecutorOptions;
  #children = new Map<LocalBackend, LocalExecutor>();
  #state: 'open' | 'closing' | 'destroyed' = 'open';
  #closing?: Promise<void>;
  #destroying?: Promise<void>;
  /** One store for every backend this executor creates. */
  #profiles = new TaskProfiles();
  #adapt: boolean;
  /** One budget for every backend this executor creates. */
  #rateLimiter: RateLimiter | undefined;
  #paused = false;

  constructor(options: ExecutorOptions) {
    super();
    // Backends are created lazily: check now, so a bad option fails createExecutor, not the first run.
    checkTimerOptions(options);
    this.#options = options;
    this.#adapt = options.policy?.adapt === true;
    if (options.rateLimit) this.#rateLimiter = new RateLimiter(options.rateLimit, this);
    if (!this.#adapt) this.#profiles.onSample = (task, profile) => this.#advise(task, profile);
  }

  explain(task?: Task | TaskFunction): Decision {
    const traits = this.#traitsOf(task);
    const declared = selectBackend(traits, this.#options.policy);
    if (task === undefined) return { ...declared, size: sizeBackend(declared.backend, traits, this.#options) };
    const measured = this.#profiles.profile(task);
    const decision = this.#adapt ? adaptedDecision(declared, measured, isTask(task), this.#options.policy) : declared;
    const size = sizeBackend(decision.backend, traits, this.#options, decision.measured?.kind);
    return measured === undefined ? { ...decision, size } : { ...decision, size, measured };
  }

  run<I, O, P = unknown>(task: Task<I, O, P> | TaskFunction<I, O, P>, input: NoInfer<I>, options?: RunOptions<NoInfer<P>>): Promise<O> {
    let child: LocalExecutor;
    try {
      child = this.#route(task);
    } catch (error) {
      return Promise.reject(error);
    }
    return child.run(task, input, options);
  }

  map<I, O, P = unknown>(
    task: Task<I, O, P> | TaskFunction<I, O, P>,
    inputs: Iterable<NoInfer<I>> | AsyncIterable<NoInfer<I>>,
    options?: MapOptions<NoInfer<P>>,
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

  get paused(): boolean {
    return this.#paused;
  }

  pause(): void {
    this.#paused = true;
    for (const child of this.#children.values()) child.pause();
  }

  resume(): void {
    this.#paused = false;
    for (const child of this.#children.values()) child.resume();
  }

  /** Fewer than `n` tasks queued over all its backends. */
  async onSizeLessThan(n: number): Promise<void> {
    if (typeof n !== 'number' || Number.isNaN(n)) {
      throw new TypeError(`Expected the size of onSizeLessThan(n) to be a number, got \`${String(n)}\` (${typeof n})`);
    }
    for (;;) {
      const children = [...this.#children.values()];
      const queued = children.reduce((sum, child) => sum + child.queuedCount, 0);
      if (queued < n) return;
      // Wait for any backend's queue to shrink by one, then count again.
      await Promise.race(children.filter((c) => c.queuedCount > 0).map((c) => c.onSizeLessThan(c.queuedCount)));
    }
  }

  onEmpty(): Promise<void> {
    return this.onSizeLessThan(1);
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
    let decision = selectBackend(traits, this.#options.policy);
    if (this.#adapt) decision = measuredDecision(decision, this.#profiles.profile(task), isTask(task), this.#options.policy) ?? decision;
    if (decision.backend !== 'async' && !isTask(task)) {
      throw new TaskNotPortableError(
        `Task ${taskLabel(task)} is a plain function, but rule '${decision.rule}' chose the ${decision.backend} backend, ` +
          'which cannot receive a closure: define it with defineTask(module, exportName, traits)',
      );
    }
    let child = this.#children.get(decision.backend);
    if (!child) {
      // A backend first created for a measured task is sized for what it was measured to be.
      const sizing = sizedOptions(decision.backend, traits, this.#options, decision.measured?.kind);
      child = createLocalExecutor(decision.backend, traits, sizing, (t) => this.explain(t), this.#profiles, {
        rateLimiter: this.#rateLimiter,
        paused: this.#paused,
      });
      for (const event of FORWARDED) {
        child.on(event, (...args: unknown[]) => (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args));
      }
      child.on('idle', () => {
        if ([...this.#children.values()].every((c) => c.pending === 0)) this.emit('idle');
      });
      this.#children.set(decision.backend, child);
    }
    return child;
  }

  /**
   * Without `adapt`: once a task's measurement would route it elsewhere than
   * its declared rule does, say so, once per task. Emitted on a microtask: this
   * runs inside the measured call's bookkeeping, where a listener's throw must not land.
   */
  #advise(task: Task | TaskFunction, profile: TaskProfile): void {
    if (profile.runs < MEASURED_AFTER_RUNS) return;
    const declared = selectBackend(this.#traitsOf(task), this.#options.policy);
    const advice = measuredDecision(declared, profile, isTask(task), this.#options.policy);
    if (advice === undefined || advice.backend === declared.backend || !this.#profiles.firstAdvice(task)) return;
    const label = taskLabel(task);
    const message =
      `Task ${label} was ${describeProfile(profile)}, but rule ${declared.rule} routes it to ${declared.backend}; ` +
      `the measurement would pick ${advice.backend} (rule ${advice.rule}). ` +
      'Declare traits that match, or set policy: { adapt: true } to route by measurement';
    queueMicrotask(() =>
      this.emit('warning', { type: 'policy-advice', backend: declared.backend, task: label, measured: profile, advice, message }),
    );
  }
}

/** One backend behind the Executor interface, built with `options` as sized (sizedOptions), recording into `profiles`. */
export function createLocalExecutor(
  backend: LocalBackend,
  traits: TaskTraits,
  options: ExecutorOptions,
  decision: (task?: Task | TaskFunction) => Decision,
  profiles: TaskProfiles,
  shared: Pick<LocalExecutorInit, 'rateLimiter' | 'paused'> = {},
): LocalExecutor {
  const factory = backendFactories[backend];
  if (!factory) throw new TypeError(`The ${backend} backend is not available in this build`);
  return new LocalExecutor({ factory, options, traits, decision, profiles, ...shared });
}

function failingIterator<O>(error: unknown): AsyncIterableIterator<O> {
  return (async function* () {
    throw error;
  })();
}
