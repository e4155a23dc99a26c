/**
 * How the thread backend gets its threads: from piscina, which does what it
 * does well (starting Worker threads with the right flags and resource limits,
 * loading the entry, reporting a thread's death), but not its per-task
 * dispatch: each thread runs one long piscina task, a session, and the pool
 * talks to it on a MessagePort of its own (call-loop.ts), many calls per
 * message and calls sent ahead. piscina posts one task per message and a thread
 * takes its next task only after answering the last (docs/thread-backend.md).
 *
 *   spawn -> piscina.run(session { port }) -> piscina starts a thread -> session: [ready, threadId]
 *   release -> [close] -> the session returns -> the thread is terminated
 *   kill -> worker.terminate() -> piscina rejects the session -> exit
 */
import { createRequire } from 'node:module';
import type { MessagePort, TransferListItem, Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Piscina } from 'piscina';
import { TAG, type PoolMessage, type WorkerMessage } from '../../worker/protocol.js';
import type { WorkerExit, WorkerHandle, WorkerListener, WorkerSpawner } from '../pool/worker-handle.js';
import { SILENT_OOM } from '../../worker/runtime.js';
import type { ThreadSession } from '../../worker/thread-worker.js';
import { AbortFlags } from '../../worker/abort-flags.js';
import { threadFlags } from '../../worker/worker-flags.js';
import type { BackendContext } from '../backend.js';
import type { PoolSettings } from '../pool/pool-settings.js';
import { workerThreads } from '../../worker/builtins.js';

/**
 * The worker entry, found next to this code. tsup bundles the library into a
 * flat dist/ (index.js, index.cjs, chunks, thread-worker.cjs), so the entry is
 * always a sibling of the file this line ends up in; `shims: true` gives the
 * CommonJS build an `import.meta.url` (from __filename) so the same line works there.
 */
const WORKER_FILE = fileURLToPath(new URL('./thread-worker.cjs', import.meta.url));

/**
 * piscina, loaded when the first thread pool is made, not when the library is
 * imported: an app that never uses threads does not pay for it (about as long
 * to import as the rest of the library). Its CommonJS build, synchronously.
 */
function loadPiscina(): typeof Piscina {
  return (createRequire(import.meta.url)('piscina') as { Piscina: typeof Piscina }).Piscina;
}

/**
 * What piscina keeps of each thread (its WorkerInfo) offers `ref()`/`unref()`
 * of piscina's own port to the thread: piscina refs it while a piscina task
 * runs there, and a session is one piscina task as long as the thread lives.
 * So that port held the caller's event loop for ever, and a script that ended
 * without close() never exited (issue 16). piscina has no public way to unref
 * it; its `workerCreate` event hands out the record under this symbol. Found
 * by description and checked before use: if a piscina changes it, idle threads
 * hold the loop as before (test/contract/no-close.contract.test.ts says so).
 */
const WORKER_RECORD = 'Piscina.kWorkerData';

/** piscina's record of one thread, as far as we use it. */
interface PortReference {
  ref(): void;
  unref(): void;
}

function portReferenceOf(worker: object): PortReference | undefined {
  const symbol = Object.getOwnPropertySymbols(worker).find((s) => s.description === WORKER_RECORD);
  const record = symbol && (worker as Record<symbol, Partial<PortReference> | undefined>)[symbol];
  return typeof record?.ref === 'function' && typeof record.unref === 'function' ? (record as PortReference) : undefined;
}

/** Threads being ended (aborts, timeouts, recycling) beyond twice the pool's size that piscina still admits. */
const THREAD_HEADROOM = 8;

export interface ThreadSpawnOptions {
  maxThreads: number;
  perWorker: number;
  execArgv: string[];
  heapMb: number | undefined;
  /** A thread failed outside any session (piscina's 'error'). */
  onError: (error: unknown) => void;
}

/** The thread backend's spawner, from the executor's options. */
export function threadSpawner(context: BackendContext, settings: PoolSettings): ThreadSpawner {
  const { options } = context;
  // Without the flags a Worker refuses (`--expose-gc`, `--max-old-space-size`...: ERR_WORKER_INVALID_EXEC_ARGV,
  // issue 11) or that run something else; the parent's heap flag becomes the thread's resourceLimits.
  // (V8's flag is process-wide, so the thread's heap has that limit anyway; Node then also
  // ignores a smaller `resourceLimits`, measured on Node 20.)
  const flags = threadFlags(options.execArgv ?? process.execArgv);
  const heapMb = options.resourceLimits ? options.resourceLimits.maxOldGenerationSizeMb : flags.heapMb;
  return new ThreadSpawner({
    maxThreads: settings.maxWorkers,
    perWorker: settings.perWorker,
    execArgv: flags.execArgv,
    heapMb,
    // An error of a thread outside any session.
    onError: (error) =>
      context.events.emit('warning', {
        type: 'worker-error',
        backend: 'thread',
        message: `A worker thread failed outside any task: ${(error as Error)?.message ?? String(error)}`,
      }),
  });
}

export class ThreadSpawner implements WorkerSpawner {
  readonly kind = 'thread' as const;
  readonly startHint: string;
  #pool: Piscina<ThreadSession, void>;
  #perWorker: number;
  /** piscina's port reference of each thread, by thread id (see WORKER_RECORD). */
  #ports = new Map<number, PortReference>();

  constructor(options: ThreadSpawnOptions) {
    this.#perWorker = options.perWorker;
    this.startHint = `Check the execArgv ${JSON.stringify(options.execArgv)} of the thread backend`;
    const PiscinaPool = loadPiscina();
    this.#pool = new PiscinaPool<ThreadSession, void>({
      filename: WORKER_FILE,
      // Our pool keeps at most maxThreads sessions; threads it is ending still
      // count in piscina until they exit. A session run() while piscina is
      // full waits in piscina's queue, and piscina does not start a thread for
      // it when one exits (it only tops up to minThreads): headroom instead.
      maxThreads: options.maxThreads * 2 + THREAD_HEADROOM,
      // Our pool decides when threads start and end: piscina keeps none on its own.
      minThreads: 0,
      idleTimeout: 0,
      // One session per thread; the session runs `perWorker` calls at once itself.
      concurrentTasksPerWorker: 1,
      // A session never returns between calls: piscina's Atomics wait would never be used.
      atomics: 'disabled',
      execArgv: options.execArgv,
      ...(options.heapMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: options.heapMb } } : {}),
      recordTiming: false,
    });
    // Unhandled, piscina's 'error' event would crash the caller's process.
    this.#pool.on('error', options.onError);
    this.#pool.on('workerCreate', (worker: { id: number }) => {
      const port = portReferenceOf(worker);
      if (port) this.#ports.set(worker.id, port);
    });
    this.#pool.on('workerDestroy', (worker: { id: number }) => this.#ports.delete(worker.id));
  }

  spawn(listener: WorkerListener): WorkerHandle {
    const { port1, port2 } = new (workerThreads().MessageChannel)();
    const flags = new AbortFlags();
    const handle = new ThreadHandle(port1, listener, this.#pool, this.#ports, flags);
    this.#pool.run({ port: port2, perWorker: this.#perWorker, abortFlags: flags.buffer }, { transferList: [port2] }).then(
      () => handle.sessionEnded(undefined),
      (error: unknown) => handle.sessionEnded(error),
    );
    return handle;
  }

  async shutdown(): Promise<void> {
    await this.#pool.destroy();
  }
}

class ThreadHandle implements WorkerHandle {
  id = 0;
  #port: MessagePort;
  #listener: WorkerListener;
  #pool: Piscina<ThreadSession, void>;
  #ports: Map<number, PortReference>;
  #worker: Worker | undefined;
  #exitCode: Promise<number> | undefined;
  #ended = false;
  #referenced = true;

  constructor(
    port: MessagePort,
    listener: WorkerListener,
    pool: Piscina<ThreadSession, void>,
    ports: Map<number, PortReference>,
    readonly flags: AbortFlags,
  ) {
    this.#port = port;
    this.#listener = listener;
    this.#pool = pool;
    this.#ports = ports;
    port.on('message', (message: WorkerMessage) => {
      if (message[0] === TAG.ready) this.#onReady(message[1]!);
      listener.message(this, message);
    });
  }

  #onReady(threadId: number): void {
    this.id = threadId;
    this.#worker = this.#pool.threads.find((w) => w.threadId === threadId);
    const worker = this.#worker;
    if (worker) this.#exitCode = new Promise((resolve) => worker.once('exit', resolve));
    this.reference(this.#referenced);
  }

  send(message: PoolMessage, transfer?: TransferListItem[]): boolean {
    if (this.#ended) return false;
    this.#port.postMessage(message, transfer);
    return true;
  }

  release(): void {
    if (this.#ended) return;
    this.#holdUntilExit();
    this.#port.postMessage([TAG.close]);
  }

  /** Seen at once by a task polling ctx.signal.aborted in a synchronous loop (abort-flags.ts). */
  markAborted(id: number): void {
    this.flags.set(id);
  }

  kill(): void {
    if (this.#ended) return;
    this.#holdUntilExit();
    if (this.#worker) void this.#worker.terminate();
    // Not ready yet: no thread is known to run this session; closing its port ends it when it starts.
    else this.#port.close();
  }

  /**
   * Busy: our port and piscina's hold the caller's event loop. Idle: neither
   * does (piscina leaves the Worker itself unref'd), as piscina's own idle
   * threads and our idle child processes do not.
   */
  reference(active: boolean): void {
    this.#referenced = active;
    const piscinaPort = this.id === 0 ? undefined : this.#ports.get(this.id);
    if (active) {
      this.#port.ref();
      piscinaPort?.ref();
    } else {
      this.#port.unref();
      piscinaPort?.unref();
    }
  }

  /** Being ended: the thread holds the event loop until its exit is seen (close() and destroy() wait for it). */
  #holdUntilExit(): void {
    this.reference(true);
    this.#worker?.ref();
  }

  /** piscina settled the session: it returned (released) or its thread died. */
  async sessionEnded(error: unknown): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.#port.close();
    // A released session's thread goes too: a fresh session gets a fresh thread (recycling).
    // So does one whose session failed while its thread lives on (Deno's silent
    // out-of-memory, thread-worker.ts); ending a thread that died already is a no-op.
    void this.#worker?.terminate();
    const code = this.#exitCode ? await this.#exitCode : null;
    // piscina's own "worker exited with code: N" says nothing more; a reason such as running out of memory does.
    const message = (error as Error | undefined)?.message;
    const outOfMemory = (error as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY' || !!message?.includes(SILENT_OOM);
    const detail = message === undefined || /^worker exited with code/i.test(message) ? '' : ` (${message})`;
    const exit: WorkerExit = {
      description: `Thread ${this.id || '(not started)'} ended with exit code ${code ?? 'unknown'}${detail}`,
      code,
      signal: null,
      outOfMemory,
    };
    this.#listener.exit(this, exit);
  }
}
