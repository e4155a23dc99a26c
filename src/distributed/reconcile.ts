/**
 * No result is lost: the event stream is trimmed (BullMQ keeps ~10,000
 * entries), so it is only the fast path. A completed job stays in Redis until
 * its submitter has read it, and reconciling reads the state of every job
 * still awaited and settles the finished ones, through the same JobOutcomes
 * as the stream (each call settles once). It runs on a timer, when the
 * reader sees a gap in the stream, and after a reconnect.
 */
import { ConnectionLostError } from '../errors.js';
import type { ClientLink, JobState } from './client-link.js';
import type { JobOutcomes } from './job-outcomes.js';
import type { RemoteCalls } from './remote-call.js';

export class Reconciler {
  #calls: RemoteCalls;
  #outcomes: JobOutcomes;
  #link: () => Promise<ClientLink | undefined>;
  #where: string;
  /** A run is going on; `#again`: another was asked for meanwhile. */
  #running = false;
  #again = false;

  /** `where`: Redis as messages name it. */
  constructor(calls: RemoteCalls, outcomes: JobOutcomes, link: () => Promise<ClientLink | undefined>, where: string) {
    this.#calls = calls;
    this.#outcomes = outcomes;
    this.#link = link;
    this.#where = where;
  }

  /**
   * Reads from Redis the state of every job still awaited and settles the
   * finished ones (and fails the ones Redis no longer has). One at a time: a
   * request during a run makes one more run after it.
   */
  async run(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    try {
      do {
        this.#again = false;
        const link = await this.#link();
        const awaited = this.#calls.all().filter((remote) => remote.added);
        if (!link || awaited.length === 0) return;
        let states: Map<string, JobState>;
        try {
          states = await link.states(awaited.map((remote) => remote.jobId));
        } catch {
          return; // Redis away: the reconnect reconciles again
        }
        for (const remote of awaited) {
          if (!this.#calls.live(remote)) continue;
          const job = states.get(remote.jobId);
          if (job?.state === 'completed') this.#outcomes.completed(remote.jobId, job.returnvalue);
          else if (job?.state === 'failed') void this.#outcomes.failed(remote.jobId, job.reason, job.error);
          else if (job?.state === 'pending' && job.started) this.#outcomes.active(remote.jobId);
          else if (job?.state === 'missing') {
            // Not "restarted without persistence": with AOF, the last second of writes can
            // be lost too, and a job can be deleted by hand. Only its state is known lost.
            const error = new ConnectionLostError(
              `Redis at ${this.#where} no longer has job ${remote.jobId} (task ${remote.call.label}): ` +
                'its state was lost (a Redis restart that did not keep it, or a removal by someone else), ' +
                'so whether it ran is unknown',
            );
            this.#outcomes.missing(remote, error);
          }
        }
      } while (this.#again);
    } finally {
      this.#running = false;
    }
  }
}
