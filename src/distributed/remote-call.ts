/**
 * The submitter's calls in flight: one RemoteCall per `execute`, from the
 * moment its job is handed to Redis until it settles, and the registry that
 * makes each settle exactly once (`end`), whichever path comes first: the
 * event stream, a reconcile, the caller's abort, destroy, a lost Redis.
 *
 * A call is its own abort listener (`handleEvent`) and its own add callback
 * (`added`): with thousands in flight, a closure or promise fewer per call is
 * garbage the collector does not copy (GC was the submitter's largest cost).
 */
import type { CancelSignal, TaskCall } from '../backends/backend.js';
import type { AddWaiter } from './client-link.js';

/** What the backend does when a call's job reaches Redis, or when its caller gives up. */
export interface RemoteCallOwner {
  /** `error`: the add failed (the job never reached Redis). */
  added(remote: RemoteCall, error?: unknown): void;
  aborted(remote: RemoteCall): void;
}

export class RemoteCall implements AddWaiter {
  /** 'active': BullMQ said a worker took it (the core has started it). */
  state: 'waiting' | 'active' = 'waiting';
  /** The add has resolved: the job exists in Redis. */
  added = false;
  /**
   * Settled with what Redis holds of the job (its result, its stored failure,
   * its loss): nothing is left to take back out of the queue.
   */
  finished = false;
  /** Runs that failed and that BullMQ runs again (taskRetry events sent). */
  retried = 0;

  constructor(
    readonly jobId: string,
    readonly call: TaskCall,
    readonly signal: CancelSignal,
    /** The fixed backoff given to BullMQ, ms; undefined: its exponential one (the delay is read off the job). */
    readonly retryDelay: number | undefined,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
    readonly owner: RemoteCallOwner,
  ) {}

  /** The signal's abort. */
  handleEvent(): void {
    this.owner.aborted(this);
  }

  /** ClientLink: the job is in Redis (or could not get there). */
  onAdded(error?: unknown): void {
    this.owner.added(this, error);
  }
}

export class RemoteCalls {
  #calls = new Map<string, RemoteCall>();

  get size(): number {
    return this.#calls.size;
  }

  get(jobId: string): RemoteCall | undefined {
    return this.#calls.get(jobId);
  }

  /** Still awaited: not settled, and not replaced. */
  live(remote: RemoteCall): boolean {
    return this.#calls.get(remote.jobId) === remote;
  }

  add(remote: RemoteCall): void {
    this.#calls.set(remote.jobId, remote);
    remote.signal.addEventListener('abort', remote);
  }

  /** A copy: calls may settle while the caller walks it. */
  all(): RemoteCall[] {
    return [...this.#calls.values()];
  }

  /** Settles a call once; false if it was already settled. */
  end(remote: RemoteCall, ok: boolean, outcome: unknown): boolean {
    if (this.#calls.get(remote.jobId) !== remote) return false;
    this.#calls.delete(remote.jobId);
    remote.signal.removeEventListener('abort', remote);
    if (ok) remote.resolve(outcome);
    else remote.reject(outcome);
    return true;
  }
}
