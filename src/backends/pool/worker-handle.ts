/**
 * What a pool needs of one worker, thread or child process: send to it, end
 * it (gracefully or now), let it hold the event loop or not, and hear its
 * messages and its exit, exactly once. It knows nothing of tasks.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { PoolMessage, WorkerMessage } from '../../worker/protocol.js';

export interface WorkerHandle {
  /** The pid or thread id; 0 until known (a thread's, at `ready`). */
  readonly id: number;
  /** Throws when a value cannot be cloned (nothing was sent then); false when the channel is closed. */
  send(message: PoolMessage, transfer?: TransferListItem[]): boolean;
  /** Graceful: no more calls; it exits by itself (ended if it lingers). */
  release(): void;
  /** Now (a child: SIGKILL, as it ignores SIGTERM; a thread: terminate()). */
  kill(): void;
  /**
   * Threads: marks call `id` aborted in shared memory, before its cancel message arrives
   * (a synchronous loop that polls ctx.signal.aborted sees it). Processes have no shared memory.
   */
  markAborted?(id: number): void;
  /** An idle worker must not keep the caller's process alive; a busy one must. */
  reference(active: boolean): void;
}

export interface WorkerExit {
  /** `Child process 123 exited with code 7`, `Thread 4 exited with code 1`... */
  description: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** It ran out of heap (a process: SIGABRT; a thread: ERR_WORKER_OUT_OF_MEMORY). */
  outOfMemory: boolean;
}

export interface WorkerListener {
  message(handle: WorkerHandle, message: WorkerMessage): void;
  exit(handle: WorkerHandle, exit: WorkerExit): void;
}

/** Starts workers of one kind. */
export interface WorkerSpawner {
  readonly kind: 'process' | 'thread';
  spawn(listener: WorkerListener): WorkerHandle;
  /** What to check when workers die before they are ready (for the crash-loop message). */
  readonly startHint: string;
  /** After every worker has exited: release what the spawner holds (piscina). */
  shutdown?(): Promise<void>;
}
