/**
 * The async backend's answer to the guide's "easy to forget an await,
 * debugging event loops is tricky": a task whose synchronous part runs longer
 * than `blockWarningMs` is named in a `warning` event (`syncPart`), and so is
 * a block seen later by a drift timer (a task that blocks after its first
 * await), naming the tasks that were running at the time (`follow`).
 */
import type { EventEmitter } from 'eventemitter3';
import type { ExecutorEvents } from '../../executor.js';

/** How often the drift timer looks: small enough to see a block soon after, cheap enough to leave on. */
const DRIFT_INTERVAL_MS = 20;
/** Labels kept with nothing running before idle ones are dropped (labels are function and export names: few). */
const IDLE_LABELS_KEPT = 1_000;

/**
 * The calls of one label that are running. `end` is made once per label and
 * passed to every call's `then` as both handlers: following a call costs no
 * closure, and its rejection is handled (the caller's own chain reports it).
 */
class Running {
  count = 0;
  readonly end = (): void => {
    this.count--;
    this.detector.runningCount--;
  };

  constructor(
    readonly label: string,
    readonly detector: BlockDetector,
  ) {}
}

export class BlockDetector {
  readonly threshold: number;
  /** Calls followed and not settled, of every label. */
  runningCount = 0;
  #events: EventEmitter<ExecutorEvents>;
  #running = new Map<string, Running>();
  #drift?: NodeJS.Timeout;
  #lastTick = 0;
  #lastReportedAt = 0;

  constructor(events: EventEmitter<ExecutorEvents>, threshold: number) {
    this.#events = events;
    this.threshold = threshold;
  }

  /** A call's synchronous part held the thread `blockedMs`, ending at `at`: named if that is too long. */
  syncPart(blockedMs: number, label: string | undefined, at: number): void {
    if (blockedMs >= this.threshold) this.#warn(blockedMs, label, at);
  }

  /**
   * Names `label` among the running tasks until `pending` settles (the drift
   * timer reports them). One `then` on the call's own promise, beside the
   * caller's: no wrapper promise in the caller's chain, no microtask hop added.
   */
  follow(pending: Promise<unknown>, label: string): void {
    let running = this.#running.get(label);
    if (running === undefined) {
      if (this.#running.size >= IDLE_LABELS_KEPT) this.#dropIdle();
      running = new Running(label, this);
      this.#running.set(label, running);
    }
    running.count++;
    this.runningCount++;
    // The drift timer stops at its next tick if nothing runs then: stopping
    // it whenever the last call settled cost a clearInterval and a
    // setInterval per call when calls settle one at a time.
    if (this.#drift === undefined) this.#startDriftTimer();
    pending.then(running.end, running.end);
  }

  stop(): void {
    clearInterval(this.#drift);
    this.#drift = undefined;
  }

  #warn(delayMs: number, task: string | undefined, at: number): void {
    this.#lastReportedAt = at;
    const rounded = Math.round(delayMs);
    this.#events.emit('warning', {
      type: 'event-loop-blocked',
      backend: 'async',
      task,
      delayMs: rounded,
      message:
        `Task ${task ?? '(unknown)'} blocked the event loop for ${rounded} ms (threshold ${this.threshold} ms): ` +
        'a synchronous loop or a missing await? CPU-bound work belongs on the thread or process backend',
    });
  }

  #startDriftTimer(): void {
    this.#lastTick = performance.now();
    this.#drift = setInterval(() => {
      const now = performance.now();
      const late = now - this.#lastTick - DRIFT_INTERVAL_MS;
      this.#lastTick = now;
      if (this.runningCount === 0) {
        // Idle: a block now has no task to name (the synchronous-part check names its own).
        this.stop();
        return;
      }
      // A block already named by the synchronous-part check is not reported twice.
      if (late >= this.threshold && this.#lastReportedAt < now - late) this.#warn(late, this.#runningLabels() || undefined, now);
    }, DRIFT_INTERVAL_MS);
    // The timer must never keep the process alive on its own.
    this.#drift.unref();
  }

  #runningLabels(): string {
    const labels: string[] = [];
    for (const running of this.#running.values()) if (running.count > 0) labels.push(running.label);
    return labels.join(', ');
  }

  /** Forgets labels with nothing running: a `Running` still referenced by a pending call's `then` counts down on its own. */
  #dropIdle(): void {
    for (const [label, running] of this.#running) if (running.count === 0) this.#running.delete(label);
  }
}
