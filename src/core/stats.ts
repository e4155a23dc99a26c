/**
 * Counters and latency percentiles for one backend. Percentiles come from a
 * ring of the most recent samples, so memory stays flat however many tasks run.
 */

export interface Percentiles {
  /** Milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface BackendStats {
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

const SAMPLE_WINDOW = 1024;

export class LatencyWindow {
  #samples = new Float64Array(SAMPLE_WINDOW);
  #count = 0;

  add(ms: number): void {
    this.#samples[this.#count % SAMPLE_WINDOW] = ms;
    this.#count++;
  }

  percentiles(): Percentiles {
    const n = Math.min(this.#count, SAMPLE_WINDOW);
    if (n === 0) return { p50: 0, p90: 0, p99: 0, max: 0 };
    const sorted = this.#samples.slice(0, n).sort();
    const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))]!;
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1]! };
  }
}

/** What every executor counts: tasks by outcome, and the wait and run times of those that started. */
export class TaskTally {
  submitted = 0;
  completed = 0;
  failed = 0;
  cancelled = 0;
  retried = 0;
  #wait = new LatencyWindow();
  #run = new LatencyWindow();

  /** A task that started settled: it waited `waitMs` and ran `runMs`. */
  timed(waitMs: number, runMs: number): void {
    this.#wait.add(waitMs);
    this.#run.add(runMs);
  }

  /** The stats of an executor that has these counts and, now, these workers, queued and running tasks. */
  snapshot(backend: string, workers: number, queued: number, running: number): BackendStats {
    return {
      backend,
      workers,
      queued,
      running,
      submitted: this.submitted,
      completed: this.completed,
      failed: this.failed,
      cancelled: this.cancelled,
      retried: this.retried,
      waitTime: this.#wait.percentiles(),
      runTime: this.#run.percentiles(),
    };
  }
}

/** Sums the counters of several backends (for `auto`); percentiles are per backend only. */
export function sumStats(backend: string, parts: BackendStats[]): Omit<BackendStats, 'waitTime' | 'runTime'> {
  const total = { backend, workers: 0, queued: 0, running: 0, submitted: 0, completed: 0, failed: 0, cancelled: 0, retried: 0 };
  for (const p of parts) {
    total.workers += p.workers;
    total.queued += p.queued;
    total.running += p.running;
    total.submitted += p.submitted;
    total.completed += p.completed;
    total.failed += p.failed;
    total.cancelled += p.cancelled;
    total.retried += p.retried;
  }
  return total;
}
