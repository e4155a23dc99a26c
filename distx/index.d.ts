import { TransferListItem } from 'node:worker_threads';
import { EventEmitter } from 'eventemitter3';

/**
 * The traits a task declares about itself (API.md "Traits and the policy") and
 * their one check, shared by defineTask and the executor's `traits` option.
 * Depends on nothing, so a task definition can import it without the policy's
 * measurement (rules.ts -> task-profile.ts -> task.ts would otherwise be a circle).
 */
/** What a task declares about itself; the policy routes on these. */
interface TaskTraits {
    /** The task spends its time computing (JavaScript on the CPU). */
    cpuBound?: boolean;
    /** The task spends its time waiting (network, disk, timers). */
    ioBound?: boolean;
    /** How many tasks of this kind will run concurrently. */
    expectedCount?: number;
    /** Tasks coordinate: shared state, ordering, locks, rate limits. */
    needsSync?: boolean;
    /** The caller needs fine-grained control of start/cancel/shutdown. */
    lifecycleControl?: boolean;
}

declare const taskTypes: unique symbol;
/**
 * What a task function gets as its second parameter (API.md "Task context"),
 * on every backend. A function that declares only its input is never given one.
 */
interface TaskContext<P = unknown> {
    /** Aborts with the caller's rejection reason: the caller's abort, the timeout, or destroy(). */
    readonly signal: AbortSignal;
    /**
     * Sends `value` to the caller (`onProgress`, the `taskProgress` event), in order,
     * before the result. Structured-cloneable on every backend but async: a value
     * that cannot be cloned throws TaskNotPortableError here, naming the part at fault.
     */
    progress(value: P): void;
    /** 1 on the first run, 2 on the first retry, ... */
    readonly attempt: number;
    /** Throws `signal.reason` if the signal has aborted (a CPU loop's check; see README "Task context"). */
    throwIfAborted(): void;
}
interface Task<I = unknown, O = unknown, P = unknown> {
    /** The module, as a `file:` URL string: the form both `import()` and workers take. */
    readonly module: string;
    /** The export to call. */
    readonly name: string;
    readonly traits: Readonly<TaskTraits>;
    /** A short human name for messages and events: `math.mjs#fib`. */
    readonly label: string;
    /** Type-only: carries the input and output types. */
    readonly [taskTypes]?: {
        input: I;
        output: O;
        progress: P;
    };
}
/** A plain in-process function; only the async backend can run one. */
type TaskFunction<I = any, O = any, P = any> = (input: I, context: TaskContext<P>) => O | Promise<O>;
type TaskInput<F> = F extends (input: infer I, ...rest: any[]) => any ? I : never;
type TaskOutput<F> = F extends (...args: any[]) => infer O ? Awaited<O> : never;
/** The progress value type of a task function: `P` of its `TaskContext<P>` parameter, `unknown` without one. */
type TaskProgress<F> = F extends (input: any, context: TaskContext<infer P>, ...rest: any[]) => any ? P : unknown;
declare function defineTask<F extends (input: any, context: TaskContext<any>) => any>(module: string | URL, name?: string, traits?: TaskTraits): Task<TaskInput<F>, TaskOutput<F>, TaskProgress<F>>;
declare function isTask(value: unknown): value is Task;

/**
 * Task profiles (API.md "Measured traits"): how each task definition's calls
 * really behave, built from the samples its workers take of them.
 *
 *   worker / event loop: a sampled call -> CallSample { runMs, syncMs, cpuMs }
 *     -> TaskProfiles.record(task, sample)   a ring of the task's recent samples
 *     -> profile(task): runs, median run time, median CPU share, kind
 *     -> explain(task).measured; auto's routing with `adapt`; policy advice
 *
 * One store per executor (an auto executor shares its store with every
 * backend it creates, so a task keeps its profile when it moves). Memory is
 * bounded however many distinct tasks run: at most MAX_PROFILED_TASKS entries
 * (the least recently measured is forgotten), each a fixed ring of RING samples.
 *
 * Classification, per sample (its time waiting for a CPU taken out: queuedMs),
 * then by the medians:
 * - cpu share = cpuMs / runMs: the call kept a core busy. >= 0.5: `cpu`.
 * - else sync share = syncMs / runMs: the call held its thread (it had not
 *   returned) although it did not compute: synchronous fs, Atomics.wait, a
 *   blocking native call. >= 0.5: `blocking-io`.
 * - else `waiting-io`: it waited with its event loop free (timers, sockets).
 * Where a worker cannot read its CPU time (`cpuMs` undefined: a thread off
 * Linux), a call that held its thread is taken as `blocking-io` and the cpu
 * share is NaN: a thread pool is the right home for both (no GIL in Node), and
 * we cannot tell computing from blocking there.
 */

/** What the executor measured of one task definition's calls (API.md "Measured traits"). */
interface TaskProfile {
    /** Calls measured so far (every call at first, then a sample of them). */
    runs: number;
    /** Median running time of the recent measured calls, ms. */
    runMs: number;
    /** Median CPU time / running time, 0..1; NaN when the worker cannot read its CPU time (threads off Linux). */
    cpuShare: number;
    /** The guide's classes, as measured. */
    kind: 'cpu' | 'blocking-io' | 'waiting-io';
}

/**
 * The policy: the concurrency guide (docs/policy.md says it in our words) as an
 * ordered rule table. `selectBackend` is pure: traits in, decision out.
 * `measuredDecision` is the same guide applied to what a task was measured
 * doing (API.md "Measured traits"): pure too, profile in, decision out.
 */

type LocalBackend = 'process' | 'thread' | 'async';

type RuleId = 'cpu-bound' | 'io-sync' | 'io-many' | 'io-few' | 'io-unknown' | 'no-traits' | 'measured-cpu' | 'measured-blocking' | 'measured-waiting';
/** `B` widens for executors that are not local (`explain()` of the distributed backend says 'distributed'). */
interface Decision<B extends string = LocalBackend> {
    backend: B;
    /** The id of the rule that chose, or `'explicit'` when the executor was given a backend. */
    rule: RuleId | 'explicit' | string;
    /** Why, in the guide's words, with the values that triggered the rule. */
    reason: string;
    /** From `explain()`: the size the backend is (or will be) built with. */
    size?: {
        maxWorkers?: number;
        concurrentTasksPerWorker?: number;
        concurrency?: number;
    };
    /** From `explain(task)`: how the task's calls were measured so far (absent before any was). */
    measured?: TaskProfile;
}
interface PolicyOptions {
    /**
     * Above this many concurrent I/O tasks, the async loop wins over threads
     * (the guide: "many (>500)" vs "a few (<500)"). Minimum 0.
     * @default 500
     */
    manyThreshold?: number;
    /** Override the backend a rule picks, e.g. `{ 'io-few': 'async' }` (the `measured-*` rules too). */
    backends?: Partial<Record<RuleId, LocalBackend>>;
    /**
     * Route a portable task (a `Task`) by its measured kind once a few calls
     * were measured (rules `measured-cpu`, `measured-blocking`, `measured-waiting`).
     * Off: tasks go where their declared traits say, and a measurement that
     * contradicts the rule is reported once per task (a `policy-advice` warning).
     * @default false
     */
    adapt?: boolean;
}
/** One row of the rule table (`RULES`): when it matches, and the reason `explain()` gives. */
interface Rule {
    id: RuleId;
    backend: LocalBackend;
    when(traits: TaskTraits, threshold: number): boolean;
    reason(traits: TaskTraits, threshold: number, backend: LocalBackend): string;
}
/** Ordered: the first rule whose `when` holds decides. Each reason quotes the guide. */
declare const RULES: readonly Rule[];
/** Picks the backend for a task from its traits. Pure: no I/O, no state. */
declare function selectBackend(traits?: TaskTraits, policy?: PolicyOptions): Decision;

/**
 * Counters and latency percentiles for one backend. Percentiles come from a
 * ring of the most recent samples, so memory stays flat however many tasks run.
 */
interface Percentiles {
    /** Milliseconds. */
    p50: number;
    p90: number;
    p99: number;
    max: number;
}
interface BackendStats {
    backend: string;
    /** Live worker threads or child processes (0 for the async backend). */
    workers: number;
    /** Waiting to start. */
    queued: number;
    running: number;
    /** Accepted by `run` (not counting ones refused with QueueFullError or ExecutorClosedError up front). */
    submitted: number;
    completed: number;
    failed: number;
    cancelled: number;
    /** Runs that failed and were run again (`retries`); a retry is not a new submitted task. */
    retried: number;
    /** Time from `run` to start, over the most recent tasks. */
    waitTime: Percentiles;
    /** Time from start to settle, over the most recent tasks. */
    runTime: Percentiles;
}

/**
 * The pacing options' types (API.md "Pacing"), on their own: the Executor
 * interface, the options and the core's rate limiter and retry policy all
 * name them, and none of those may import another for them (no import cycle).
 */
interface RateLimit {
    /** Task starts allowed in any window of `intervalMs`. Integer, minimum 1. */
    readonly limit: number;
    /** The window, ms. Integer, minimum 1. */
    readonly intervalMs: number;
}
type RetryDelay = number | ((attempt: number, error: unknown) => number);
type RetryOn = (error: unknown, attempt: number) => boolean;

/**
 * The Executor interface: what every backend (and `auto`) offers the caller.
 * The implementations are `LocalExecutor` (one backend) and `AutoExecutor`.
 */

type BackendName = 'auto' | LocalBackend | 'distributed';
/** Where a task ran, as events and `explain()` name it. */
type TaskBackend = LocalBackend | 'distributed';
interface RunOptions<P = unknown> {
    /** Aborting rejects with `signal.reason`, queued or running; a running pool task's worker is ended. */
    signal?: AbortSignal;
    /** Milliseconds the task may run (waiting in the queue does not count). Overrides `taskTimeout`. */
    timeout?: number;
    /** Higher runs sooner among queued tasks. @default 0 */
    priority?: number;
    /** Pool backends: ArrayBuffers (etc.) to move to the worker instead of copying. */
    transfer?: TransferListItem[];
    /**
     * Extra runs after the task throws, times out, or its worker dies (never after an abort or
     * destroy()): only for tasks that are safe to run again. Minimum 0. @default the executor's `retries` (0)
     */
    retries?: number;
    /**
     * ms before a retry, or a function of the attempt that failed (1 for the first run) and its error.
     * Distributed: a number only (it travels to the workers as BullMQ's backoff).
     * @default the executor's, else exponential from 100 ms with full jitter, capped at 30 s
     */
    retryDelay?: RetryDelay;
    /** Whether to retry after run number `attempt` failed with `error`. Local backends only. @default the executor's, else every failure */
    retryOn?: RetryOn;
    /**
     * Every value the task passes to `ctx.progress()`, in order, before the result
     * settles and none after (API.md "Task context"). Typed from the task's `TaskContext<P>`.
     */
    onProgress?: (value: P) => void;
}
interface MapOptions<P = unknown> {
    /** Yield results in input order. @default true */
    ordered?: boolean;
    /** Items pulled but not yet yielded, at most. @default the backend's concurrency */
    concurrency?: number;
    signal?: AbortSignal;
    /**
     * Items sent to a worker in one message (on the async backend: run in one
     * queue slot). `'auto'` grows chunks while they run fast. @default 1
     */
    chunkSize?: number | 'auto';
    /** Each item's progress values (`ctx.progress()`), with the item's index in the input. */
    onProgress?: (value: P, index: number) => void;
}
interface TaskEvent {
    /** Unique per executor. */
    id: number;
    task: string;
    backend: TaskBackend;
}
interface TaskEndEvent extends TaskEvent {
    waitMs: number;
    runMs: number;
}
interface TaskProgressEvent extends TaskEvent {
    /** What the task passed to `ctx.progress()`. */
    value: unknown;
}
interface TaskErrorEvent extends TaskEvent {
    error: unknown;
}
/** A run failed and the task will run again after `delayMs` (it is not a new task: `taskError` comes only after the last run). */
interface TaskRetryEvent extends TaskEvent {
    /** The run that failed: 1 for the first run; the next run's `ctx.attempt` is `attempt + 1`. */
    attempt: number;
    error: unknown;
    delayMs: number;
}
/** The executor's `rateLimit`, in `rateLimit` (tasks wait for the budget) and `rateLimitCleared` (none waits any more). */
interface RateLimitEvent {
    limit: number;
    intervalMs: number;
}
interface WorkerEvent {
    backend: LocalBackend;
    /** Thread id or process id. */
    id: number;
}
interface WorkerExitEvent extends WorkerEvent {
    code: number | null;
    signal?: string | null;
}
interface WarningEvent {
    /**
     * `event-loop-blocked`: a task blocked the async backend's event loop.
     * `policy-advice`: a task's measurement contradicts the rule that routed it (once per task).
     */
    type: 'event-loop-blocked' | 'policy-advice' | string;
    /** Where the task ran (for advice: where its declared traits route it). */
    backend: TaskBackend;
    /** The task that blocked, or the task advised about, when known. */
    task?: string;
    /** How long the event loop was blocked, ms. */
    delayMs?: number;
    /** `policy-advice`: what was measured of the task. */
    measured?: TaskProfile;
    /** `policy-advice`: the decision the measurement makes (`policy: { adapt: true }` acts on it). */
    advice?: Decision;
    message: string;
}
interface ExecutorEvents {
    taskStart: [TaskEvent];
    taskEnd: [TaskEndEvent];
    taskError: [TaskErrorEvent];
    taskRetry: [TaskRetryEvent];
    rateLimit: [RateLimitEvent];
    rateLimitCleared: [RateLimitEvent];
    taskProgress: [TaskProgressEvent];
    idle: [];
    workerSpawn: [WorkerEvent];
    workerExit: [WorkerExitEvent];
    warning: [WarningEvent];
}
interface ExecutorStats extends BackendStats {
    /** For `auto`: one entry per backend created so far. */
    backends?: Partial<Record<LocalBackend, BackendStats>>;
}

interface Executor extends EventEmitter<ExecutorEvents> {
    readonly backend: BackendName;
    /** What the policy chose for this task (or would choose for the executor's default traits), and why. */
    explain(task?: Task<any, any> | TaskFunction): Decision<TaskBackend>;
    run<I, O, P = unknown>(task: Task<I, O, P> | TaskFunction<I, O, P>, input: NoInfer<I>, options?: RunOptions<NoInfer<P>>): Promise<O>;
    map<I, O, P = unknown>(task: Task<I, O, P> | TaskFunction<I, O, P>, inputs: Iterable<NoInfer<I>> | AsyncIterable<NoInfer<I>>, options?: MapOptions<NoInfer<P>>): AsyncIterableIterator<O>;
    stats(): ExecutorStats;
    /** Resolves when nothing is queued or running. */
    onIdle(): Promise<void>;
    /** Resolves when fewer than `n` tasks are queued (not started: held by `pause()` or the rate limit included), as p-queue's. */
    onSizeLessThan(n: number): Promise<void>;
    /** Resolves when no task is queued (some may still run). */
    onEmpty(): Promise<void>;
    /** Stop starting tasks: running ones go on, queued ones wait (and `close()` waits for them). Distributed: pauses the queue for every worker. */
    pause(): void;
    /** Start queued tasks again. */
    resume(): void;
    /** `pause()` was called and `resume()` not since. */
    readonly paused: boolean;
    /** Graceful: refuse new work, finish queued and running tasks, release workers. */
    close(): Promise<void>;
    /** Abort queued and running tasks, release workers now. */
    destroy(): Promise<void>;
    [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Executor options: documented once, here, and validated once at creation.
 * Bad input is a TypeError/RangeError naming the option, never a silent default.
 */

interface ResourceLimits {
    /** Heap limit per worker, MiB. Threads: Worker `resourceLimits`; processes: `--max-old-space-size`. */
    maxOldGenerationSizeMb?: number;
}
interface ExecutorOptions {
    /** Where tasks run; `'auto'` routes each task by the policy. @default 'auto' */
    readonly backend?: BackendName | 'distributed';
    /** Traits merged under each task's own traits (the task's win). */
    readonly traits?: TaskTraits;
    /** Overrides of the policy's threshold and rule backends, and `adapt` (route tasks by their measured traits). */
    readonly policy?: PolicyOptions;
    /** Pool backends: most workers alive at once. Minimum 1. @default os.availableParallelism() (I/O-sized for thread pools chosen by the `io-few` rule) */
    readonly maxWorkers?: number;
    /** Pool backends: workers kept alive even when idle. Minimum 0. @default 0 for processes, piscina's default for threads */
    readonly minWorkers?: number;
    /**
     * Async backend: tasks in flight at once. Distributed backend: the slots this submitter counts on the
     * workers giving it (jobs within them are not counted as waiting by `maxQueue`), and `map`'s default window.
     * Minimum 1. @default expectedCount when declared, else 500 (distributed: none for `maxQueue`, 32 for `map`)
     */
    readonly concurrency?: number;
    /** Pool backends: tasks one worker runs at once (async tasks share a worker while they wait). Minimum 1. @default 1 (CPU), more when the policy sizes a pool for I/O */
    readonly concurrentTasksPerWorker?: number;
    /** Queued (not running) tasks beyond which `run` rejects with QueueFullError. Minimum 0. @default Infinity */
    readonly maxQueue?: number;
    /** Pool backends: ms before an idle worker above `minWorkers` exits. Minimum 0. @default 30000 */
    readonly idleTimeout?: number;
    /** Pool backends: recycle a worker after this many tasks. Minimum 1. @default Infinity */
    readonly maxTasksPerWorker?: number;
    /** Default per-task timeout, ms (running time, not queue time). Minimum 1. @default none */
    readonly taskTimeout?: number;
    readonly resourceLimits?: ResourceLimits;
    /** Process backend: environment of the children. @default process.env */
    readonly env?: NodeJS.ProcessEnv;
    /** Pool backends: Node flags of the workers. @default process.execArgv (so a loader such as tsx carries over) */
    readonly execArgv?: string[];
    /**
     * Pool backends: ms a running task gets, after its `ctx.signal` aborts (the caller's abort or
     * its timeout), to settle before its worker is ended. A task that settles in time keeps its
     * worker; its slot stays busy until then. 0: end the worker at once. Minimum 0.
     * @default 100 (about one worker start-up: see README "Task context")
     */
    readonly abortGraceMs?: number;
    /** Async backend: a task that blocks the event loop this long (ms) triggers a `warning` event. Minimum 1. @default 100 */
    readonly blockWarningMs?: number;
    /** Distributed backend: Redis URL or ioredis options. */
    readonly connection?: unknown;
    /** Distributed backend: the BullMQ queue name. @default 'unified-executor' */
    readonly queue?: string;
    /**
     * Distributed backend: the directory task modules are named relative to. A job carries its
     * module's path relative to this root, and the worker resolves it under its own `root`.
     * A module outside the root (or no root) travels as an absolute path. @default none
     */
    readonly root?: string | URL;
    /** Distributed backend: ms Redis may stay unreachable before waiting tasks reject with ConnectionLostError. Minimum 1. @default 30000 */
    readonly reconnectTimeout?: number;
    /**
     * At most `limit` task starts in any window of `intervalMs` (both integers from 1). Tasks held back
     * count as queued (`maxQueue`, priority and abort apply). `auto`: one budget for all its backends.
     * Distributed: not here (a TypeError): set it on the workers, `createWorker({ rateLimit })`. @default none
     */
    readonly rateLimit?: RateLimit;
    /** Default `retries` of `run` (extra runs after a throw, a timeout or a dead worker). Minimum 0. @default 0 */
    readonly retries?: number;
    /** Default `retryDelay` of `run`: ms, or a function of (attempt, error). @default exponential from 100 ms, full jitter, capped at 30 s */
    readonly retryDelay?: RetryDelay;
    /** Default `retryOn` of `run`: whether to retry after run `attempt` failed with `error`. @default every failure */
    readonly retryOn?: RetryOn;
}

/**
 * Creates an executor. `backend: 'auto'` (the default) routes each task by the
 * policy; an explicit backend runs every task there.
 */
declare function createExecutor(options?: ExecutorOptions): Executor;

interface WorkerOptions {
    /** Redis URL (`redis://host:port/db`) or ioredis options. Required. */
    readonly connection: unknown;
    /** The BullMQ queue to take jobs from. @default 'unified-executor' */
    readonly queue?: string;
    /** Jobs this worker runs at once. Minimum 1. @default os.availableParallelism() */
    readonly concurrency?: number;
    /**
     * Directory a job's relative module path is resolved under (the submitters declare theirs).
     * A job may name only a module file under it (after symlinks), outside `node_modules`. @default process.cwd()
     */
    readonly root?: string | URL;
    /**
     * Modules (files, or directories of them) outside `root` that a job may name by absolute
     * path, as absolute paths or `file:` URLs. Refused by default: whoever can write to the
     * queue would otherwise choose any file on this machine to import. @default []
     */
    readonly allowModules?: readonly (string | URL)[];
    /** Options of the local auto executor each job runs on (pool sizes, timeouts, policy). @default {} */
    readonly executor?: Omit<ExecutorOptions, 'backend' | 'connection' | 'queue' | 'root' | 'reconnectTimeout'>;
    /** close(): ms running jobs may take to finish before they are handed back to the queue. Minimum 0. @default 30000 */
    readonly shutdownTimeout?: number;
    /** BullMQ: ms a job's lock lasts without renewal; a worker silent this long is presumed dead. Minimum 1. @default 30000 */
    readonly lockDuration?: number;
    /** BullMQ: ms between checks for jobs whose worker died. Minimum 1. @default 30000 */
    readonly stalledInterval?: number;
    /**
     * At most `limit` jobs of this queue start in any `intervalMs`, counted across every worker of
     * the queue (BullMQ's limiter: give every worker the same value). Integers from 1. @default none
     */
    readonly rateLimit?: RateLimit;
    /** A name for this worker in Redis (`CLIENT LIST`, dashboards). @default hostname:pid */
    readonly name?: string;
}

interface WorkerEvents {
    /** Redis connection trouble (the worker reconnects by itself). */
    error: [Error];
    /** A job ended; `ok` is false when it failed or was handed back. */
    job: [{
        id: string;
        task: string;
        ok: boolean;
    }];
}
interface DistributedWorker extends EventEmitter<WorkerEvents> {
    /** This worker's name in Redis. */
    readonly name: string;
    /** Jobs running now. */
    readonly running: number;
    /** Graceful: stop taking jobs, finish (or after `shutdownTimeout`, hand back) the running ones, release everything. */
    close(): Promise<void>;
    [Symbol.asyncDispose](): Promise<void>;
}

/**
 * `createWorker`, as the package exports it: the distributed worker (its
 * executor, BullMQ's driver, the job runner) is loaded when the first worker
 * is created, not when the library is imported.
 */

declare function createWorker(options: WorkerOptions): Promise<DistributedWorker>;

interface WorkerFlags {
    /** Flags of each forked child process (its own inspector port, if any). */
    process: string[];
    /** Flags of each worker thread. */
    thread: string[];
    /** Heap limit of each worker thread, MiB, from the parent's `--max-old-space-size`. */
    threadHeapMb?: number;
}
/**
 * What the pools' workers get from a parent started with `execArgv`
 * (default: this process's). Public so that a user can see why a worker
 * lacks a flag; the pools use the same two functions.
 */
declare function workerFlags(execArgv?: readonly string[]): WorkerFlags;

/**
 * The error model: every error the library itself raises is an `ExecutorError`
 * with a stable `code`, so callers branch on `instanceof` or `code`, never on
 * message text (the thing piscina's plain-Error factories force users into).
 */
type ExecutorErrorCode = 'ERR_EXECUTOR_CLOSED' | 'ERR_QUEUE_FULL' | 'ERR_TASK_TIMEOUT' | 'ERR_WORKER_CRASHED' | 'ERR_TASK_NOT_PORTABLE' | 'ERR_TASK_LOAD' | 'ERR_CONNECTION_LOST';
declare class ExecutorError extends Error {
    readonly code: ExecutorErrorCode;
    constructor(code: ExecutorErrorCode, message: string, options?: {
        cause?: unknown;
    });
}
/** `run`/`map` after `close()`/`destroy()`, or a queued task dropped by `destroy()`. */
declare class ExecutorClosedError extends ExecutorError {
    constructor(message?: string);
}
/** More than `maxQueue` tasks are already waiting. */
declare class QueueFullError extends ExecutorError {
    constructor(message: string);
}
/** A task ran past its timeout. */
declare class TaskTimeoutError extends ExecutorError {
    readonly timeout: number;
    constructor(task: string, timeout: number);
}
/** The thread or process running the task died. */
declare class WorkerCrashedError extends ExecutorError {
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
/** A task (or its input/result) cannot cross into a worker thread or child process. */
declare class TaskNotPortableError extends ExecutorError {
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
/** The task's module cannot be imported, or it has no such export. */
declare class TaskLoadError extends ExecutorError {
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
/** Distributed backend: Redis stayed unreachable longer than `reconnectTimeout`, so the task's fate is unknown. */
declare class ConnectionLostError extends ExecutorError {
    constructor(message: string, options?: {
        cause?: unknown;
    });
}

export { type BackendName, type BackendStats, ConnectionLostError, type Decision, type DistributedWorker, type Executor, ExecutorClosedError, ExecutorError, type ExecutorErrorCode, type ExecutorEvents, type ExecutorOptions, type ExecutorStats, type LocalBackend, type MapOptions, type Percentiles, type PolicyOptions, QueueFullError, RULES, type RateLimit, type RateLimitEvent, type ResourceLimits, type RetryDelay, type RetryOn, type Rule, type RuleId, type RunOptions, type Task, type TaskBackend, type TaskContext, type TaskEndEvent, type TaskErrorEvent, type TaskEvent, type TaskFunction, type TaskInput, TaskLoadError, TaskNotPortableError, type TaskOutput, type TaskProfile, type TaskProgress, type TaskProgressEvent, type TaskRetryEvent, TaskTimeoutError, type TaskTraits, type WarningEvent, WorkerCrashedError, type WorkerEvent, type WorkerEvents, type WorkerExitEvent, type WorkerFlags, type WorkerOptions, createExecutor, createWorker, defineTask, isTask, selectBackend, workerFlags };
