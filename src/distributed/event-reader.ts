/**
 * The submitter's one reader of a queue's event stream (`bull:<queue>:events`):
 * a blocking XREAD loop on its own connection that hands this submitter's job
 * events to the backend and skips everyone else's without parsing them.
 *
 * The stream is a fast path only. BullMQ trims it to about 10,000 entries, so
 * a submitter that falls further behind (thousands of jobs in flight) never
 * sees some events: the reader reports that as a `gap`, and the backend then
 * reads the state of every job it still waits on (reconcile.ts). It used to
 * be BullMQ's QueueEvents, which parses every job's result and cannot say
 * that entries went missing.
 */
import type { Redis } from 'ioredis';

export interface StreamListener {
  active(jobId: string): void;
  /** A job's `updateProgress` (progress-relay.ts): `data` as stored, JSON text. */
  progress(jobId: string, data: string): void;
  /** `returnvalue` as stored: JSON text. */
  completed(jobId: string, returnvalue: string): void;
  failed(jobId: string, reason: string): void;
  stalled(jobId: string): void;
  /** A run failed and BullMQ will run the job again: at `until` (epoch ms, after its backoff), or now. */
  retrying(jobId: string, until: number | undefined): void;
  /** Entries this reader had not read yet were trimmed away: some events are lost. */
  gap(): void;
}

/** Entries per XREAD. Well under BullMQ's ~10,000 kept: a full batch means "behind", the cue to check for a gap. */
const BATCH = 1000;
/** Blocking read timeout, ms: short, so that close() never waits long. */
const BLOCK_MS = 1000;
/** Pause after a failed read (Redis away), ms; ioredis reconnects meanwhile. */
const RETRY_MS = 100;

export class EventReader {
  #redis: Redis;
  #key: string;
  #mine: string;
  #lastId: string;
  #on: StreamListener;
  #closed = false;

  /**
   * @param mine the job-id prefix of this submitter's jobs; others are skipped
   * @param lastId read entries after this one
   */
  constructor(redis: Redis, key: string, mine: string, lastId: string, on: StreamListener) {
    this.#redis = redis;
    this.#key = key;
    this.#mine = mine;
    this.#lastId = lastId;
    this.#on = on;
    void this.#loop();
  }

  close(): void {
    this.#closed = true;
    this.#redis.disconnect();
  }

  async #loop(): Promise<void> {
    while (!this.#closed) {
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = (await this.#redis.xread('COUNT', BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', this.#key, this.#lastId)) as typeof reply;
      } catch {
        if (this.#closed) return;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        continue;
      }
      const entries = reply?.[0]?.[1];
      if (!entries || this.#closed) continue;
      const before = this.#lastId;
      for (const [id, fields] of entries) {
        this.#lastId = id;
        this.#dispatch(fields);
      }
      if (entries.length === BATCH) await this.#checkGap(before);
    }
  }

  /** Fields come as [name, value, ...]; BullMQ writes `event` first and `jobId` second. */
  #dispatch(fields: string[]): void {
    let event: string | undefined;
    let jobId: string | undefined;
    let value: string | undefined;
    let prev: string | undefined;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const name = fields[i];
      if (name === 'event') event = fields[i + 1];
      else if (name === 'jobId') {
        jobId = fields[i + 1]!;
        if (!jobId.startsWith(this.#mine)) return;
      } else if (name === 'returnvalue' || name === 'failedReason' || name === 'delay' || name === 'data') value = fields[i + 1];
      else if (name === 'prev') prev = fields[i + 1];
    }
    if (jobId === undefined) return;
    switch (event) {
      case 'active':
        this.#on.active(jobId);
        break;
      case 'progress':
        if (value !== undefined) this.#on.progress(jobId, value);
        break;
      case 'completed':
        this.#on.completed(jobId, value ?? 'null');
        break;
      case 'failed':
        this.#on.failed(jobId, value ?? '');
        break;
      case 'stalled':
        this.#on.stalled(jobId);
        break;
      // A failed run with attempts left: to 'delayed' for its backoff, or straight back to 'waiting'
      // (our jobs are never added delayed, and are added waiting without `prev`).
      case 'delayed':
        this.#on.retrying(jobId, Number(value));
        break;
      case 'waiting':
        if (prev === 'active') this.#on.retrying(jobId, undefined);
        break;
    }
  }

  /**
   * Trimming drops the oldest entries: if the oldest left is newer than the
   * last one read before this batch, entries in between may be gone. A false
   * alarm (exactly the read ones were trimmed) costs one reconcile.
   */
  async #checkGap(before: string): Promise<void> {
    try {
      const first = (await this.#redis.xrange(this.#key, '-', '+', 'COUNT', 1))[0]?.[0];
      if (first !== undefined && compareIds(first, before) > 0) this.#on.gap();
    } catch {
      // Redis away: the reconnect reconciles anyway.
    }
  }
}

/** Stream ids are `<ms>-<seq>`. */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
}
