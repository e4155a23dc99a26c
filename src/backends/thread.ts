/**
 * The thread backend: calls run on worker threads from a piscina pool. The
 * executor owns queueing, priority, timeouts, abort and stats; this file only
 * moves calls to threads and keeps track of which thread runs which call.
 *
 *   execute(call) -> message { module, name, input, batch } -> piscina.run
 *     -> our balancer picks a thread (least busy, never a retiring one) and
 *        records it on the call (ThreadRoster)
 *     -> dist/thread-worker.cjs: runCall -> outcome envelope -> value / deserializeError
 *   abort (timeout, user, destroy) -> reject with signal.reason at once and end
 *     the thread the call is on; piscina replaces it
 *   thread dies mid-call -> piscina rejects its calls -> WorkerCrashedError with the exit code
 *
 * Why not piscina's own `signal` option: piscina treats a thread running an
 * abortable task as full (`isRunningAbortableTask`), which would cap every
 * thread at one task and defeat `concurrentTasksPerWorker`.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina, queueOptionsSymbol } from 'piscina';
import { TaskNotPortableError, TaskTimeoutError, WorkerCrashedError } from '../errors.js';
import type { CallOutcome } from '../shared/run-call.js';
import { deserializeError } from '../shared/serialize-error.js';
import { threadFlags } from '../shared/worker-flags.js';
import { isTask, taskLabel, type Task, type TaskFunction } from '../task.js';
import type { Backend, BackendContext, CancelSignal, TaskCall } from './backend.js';
import { findUncloneable } from './cloneable.js';
import type { ThreadCallMessage } from './thread-worker.js';
import { ThreadRoster, type CallRecord, type ThreadState } from './thread-roster.js';

/** @see ExecutorOptions.idleTimeout (piscina's own default, 0, would end a thread after every burst). */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/**
 * The worker entry, found next to this code. tsup bundles the library into a
 * flat dist/ (index.js, index.cjs, chunks, thread-worker.cjs), so the entry is
 * always a sibling of the file this line ends up in; `shims: true` gives the
 * CommonJS build an `import.meta.url` (from __filename) so the same line works there.
 */
const WORKER_FILE = fileURLToPath(new URL('./thread-worker.cjs', import.meta.url));

/** The message of piscina's queued no-op that makes it spawn a thread (see ThreadRoster.kick). */
const KICK: ThreadCallMessage = { module: '', name: '', input: undefined, batch: false, noop: true };

export function createThreadBackend(context: BackendContext): Backend {
  return new ThreadBackend(context);
}

class ThreadBackend implements Backend {
  readonly kind = 'thread' as const;
  readonly concurrency: number;
  #pool: Piscina<ThreadCallMessage, CallOutcome>;
  #roster: ThreadRoster;
  #destroying?: Promise<void>;

  constructor(context: BackendContext) {
    const { options } = context;
    const maxWorkers = options.maxWorkers ?? availableParallelism();
    const perWorker = options.concurrentTasksPerWorker ?? 1;
    // The executor keeps exactly as many calls in flight as the threads can
    // run, so piscina's own queue stays empty except while a thread starts or
    // is replaced: every call is posted the moment it starts.
    this.concurrency = maxWorkers * perWorker;
    const flags = threadFlags(options.execArgv ?? process.execArgv);
    const heapMb = options.resourceLimits ? options.resourceLimits.maxOldGenerationSizeMb : flags.heapMb;
    this.#roster = new ThreadRoster({
      events: context.events,
      perWorker,
      maxTasksPerWorker: options.maxTasksPerWorker ?? Number.POSITIVE_INFINITY,
      threads: () => this.#pool.threads,
      queued: () => this.#pool.queueSize,
      kick: () => void this.#pool.run(KICK).catch(() => {}),
    });
    this.#pool = new Piscina<ThreadCallMessage, CallOutcome>({
      filename: WORKER_FILE,
      maxThreads: maxWorkers,
      // Left out when not given, so piscina's default (half the cores) applies, as documented.
      ...(options.minWorkers !== undefined ? { minThreads: options.minWorkers } : {}),
      idleTimeout: options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS,
      concurrentTasksPerWorker: perWorker,
      // Without the flags a Worker refuses (`--expose-gc`, `--max-old-space-size`...: ERR_WORKER_INVALID_EXEC_ARGV,
      // issue 11) or that run something else; the parent's heap flag becomes the thread's resourceLimits.
      // (V8's flag is process-wide, so the thread's heap has that limit anyway; Node then also
      // ignores a smaller `resourceLimits`, measured on Node 20.)
      execArgv: flags.execArgv,
      ...(heapMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: heapMb } } : {}),
      // The executor keeps its own wait/run percentiles: piscina's histograms would be paid for twice.
      recordTiming: false,
      loadBalancer: this.#roster.balancer,
    });
    this.#pool.on('workerCreate', (worker: { id: number }) => this.#roster.track(worker.id));
    // An error of a thread with no task on it (e.g. a timer a finished task left
    // behind throws). Unhandled, piscina's 'error' event would crash the caller's process.
    this.#pool.on('error', (error: unknown) =>
      context.events.emit('warning', {
        type: 'worker-error',
        backend: 'thread',
        message: `A worker thread failed outside any task: ${(error as Error)?.message ?? String(error)}`,
      }),
    );
  }

  accept(task: Task | TaskFunction): void {
    if (!isTask(task)) {
      throw new TaskNotPortableError(
        `Task ${taskLabel(task)} is a plain function, which cannot be sent to a worker thread: ` +
          "define it in a module and use defineTask(module, exportName), e.g. defineTask(new URL('./tasks.js', import.meta.url), 'myTask')",
      );
    }
  }

  execute(call: TaskCall, signal: CancelSignal): Promise<unknown> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const task = call.task as Task;
    const message: ThreadCallMessage = { module: task.module, name: task.name, input: call.input, batch: call.batch };
    const record: CallRecord = { label: call.label, thread: undefined, settled: false };
    // Symbol-keyed, so structured clone leaves it behind; piscina hands it to our balancer.
    (message as unknown as Record<symbol, CallRecord>)[queueOptionsSymbol] = record;

    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (record.settled) return;
        record.settled = true;
        reject(signal.reason);
        if (record.thread) {
          const why = signal.reason instanceof TaskTimeoutError ? 'timed out' : 'was aborted';
          this.#roster.end(record.thread, `task ${call.label} on it ${why}`);
        } else {
          // Still in piscina's queue: let it reach a thread as a no-op.
          message.noop = true;
          message.input = undefined;
        }
      };
      // Not removed when the call settles: the signal belongs to this one call
      // and dies with it, and `settled` makes a late abort a no-op; removing
      // would be one more step on the path of every tiny task.
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => this.#roster.release(record);
      this.#pool.run(message, call.transfer ? { transferList: call.transfer } : undefined).then(
        (outcome) => {
          done();
          if (record.settled) return;
          record.settled = true;
          if (outcome.ok) resolve(outcome.value);
          else reject(deserializeError(outcome.error));
        },
        (error: unknown) => {
          done();
          if (record.settled) return;
          record.settled = true;
          void this.#failure(record, call, error).then(reject);
        },
      );
    });
  }

  workers(): number {
    return this.#pool.threads.length;
  }

  /**
   * The executor calls this only once nothing is queued or running, so no call
   * of the caller's is left in a thread; piscina may still hold our own no-ops
   * (a kick, a call cancelled while queued). piscina's own close() ends in
   * destroy() anyway (it terminates the threads once its queue is flushed), and
   * is not used because of two bugs the property suite found:
   * - with a no-op still queued that our balancer places nowhere (every thread
   *   retiring under maxTasksPerWorker), a thread becoming ready during close
   *   spins `_onWorkerAvailable` forever: it "spawns" a worker, which
   *   `_addNewWorker` refuses while `closingUp`, and tries again (100 % CPU,
   *   the caller's process frozen);
   * - a thread we are ending (aborted or timed-out call) holds its call until
   *   it exits, and that exit never sends the "task done" close waits for: close
   *   hung for its closeTimeout (30 s).
   * destroy() drops piscina's queue first and terminates idle threads: the same
   * end for the caller, without either trap.
   */
  close(): Promise<void> {
    return this.destroy();
  }

  destroy(): Promise<void> {
    this.#destroying ??= (async () => {
      await this.#pool.destroy();
      await this.#roster.allExited();
    })();
    return this.#destroying;
  }

  /** What piscina's own rejection means: our worker entry never throws, so it is never the task's error. */
  async #failure(record: CallRecord, call: TaskCall, error: unknown): Promise<Error> {
    if ((error as Error)?.name === 'DataCloneError') {
      const found = findUncloneable(call.input, call.batch ? 'inputs' : 'input');
      return new TaskNotPortableError(
        `Task ${call.label} cannot be sent to a worker thread: ${found ?? (error as Error).message}. ` +
          'Pass plain data (objects, arrays, numbers, strings, typed arrays, Map, Set, Date); list ArrayBuffers to move in `transfer`',
        { cause: error },
      );
    }
    const thread = record.thread;
    if (!thread) return new WorkerCrashedError(`Task ${call.label} was lost by the thread pool: ${(error as Error)?.message}`, { cause: error });
    const code = await thread.exited;
    return new WorkerCrashedError(crashMessage(thread, call.label, code, error), { cause: error });
  }
}

function crashMessage(thread: ThreadState, label: string, code: number, error: unknown): string {
  if (thread.endedBecause) {
    return (
      `Thread ${thread.id} running task ${label} was ended (exit code ${code}) because ${thread.endedBecause}: ` +
      'calls that share a thread (concurrentTasksPerWorker > 1) end with it'
    );
  }
  const detail = (error as { code?: string })?.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `: out of memory (resourceLimits)` : '';
  return `Thread ${thread.id} running task ${label} died with exit code ${code}${detail} (${(error as Error)?.message ?? String(error)})`;
}
