/**
 * The two records of the direct path (direct-calls.ts): a call, from `run` to
 * its settlement, and a lane, one p-queue slot that runs direct calls one
 * after another.
 */
import type { Task, TaskFunction } from '../task.js';

/** Promise's executor for DirectCall, without a closure per call: it fills the call being made. */
let filling: DirectCall;
function fill(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  filling.resolve = resolve;
  filling.reject = reject;
}

/** One direct call: the caller's promise, and (while it waits) its place in the line. */
export class DirectCall {
  readonly promise: Promise<unknown>;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;
  /** The call behind it in the line (DirectCalls' FIFO). */
  next: DirectCall | undefined = undefined;
  /** Set when it starts. */
  id = 0;
  startedAt = 0;

  constructor(
    readonly task: Task | TaskFunction,
    readonly input: unknown,
    readonly label: string,
    readonly queuedAt: number,
  ) {
    filling = this;
    this.promise = new Promise(fill);
  }
}

/** What a lane reports to: DirectCalls. */
export interface LaneOwner {
  laneSettled(lane: Lane, ok: boolean, outcome: unknown): void;
}

/**
 * One p-queue slot held by the direct path: it runs the call it started
 * with, then, while calls wait in the line and nothing may go before them,
 * the next one, without giving the slot back to p-queue between them. Its
 * two handlers are made once and passed to each call's `then`: a call that
 * returns a promise costs no closure.
 */
export class Lane {
  /** The call running on it and waiting on a promise; undefined between calls. */
  call: DirectCall | undefined = undefined;
  /** Its slot in p-queue: p-queue's task awaits this; it resolves when the lane ends. */
  readonly slot: Promise<void>;
  readonly end!: () => void;
  readonly onValue = (value: unknown): void => this.owner.laneSettled(this, true, value);
  readonly onError = (error: unknown): void => this.owner.laneSettled(this, false, error);
  /** p-queue's task: holds the slot until the lane ends. */
  readonly hold = (): Promise<void> => this.slot;

  constructor(readonly owner: LaneOwner) {
    let end!: () => void;
    this.slot = new Promise<void>((resolve) => (end = resolve));
    this.end = end;
  }
}
