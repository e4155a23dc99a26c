/**
 * `rateLimit: { limit, intervalMs }`: at most `limit` task starts in any window
 * of `intervalMs` (a sliding window, not p-queue's fixed one, whose windows
 * let `2 * limit` starts through around a boundary). One RateLimiter is the
 * budget of a whole executor: under `auto`, every backend it creates holds a
 * share of the same one.
 *
 *   member's queue dispatches a task -> take(): a token, pending (no start time yet)
 *     task starts -> started(): the token gets its start time, and frees `intervalMs` later
 *     task settles without starting (dropped while sent ahead) -> giveBack()
 *   no token left -> every member holds its queue (tasks stay queued: priority,
 *     `maxQueue` and abort still apply); a token frees -> members resume in turn
 *
 * Events: `rateLimit` when a task first waits for a token, `rateLimitCleared`
 * when no task waits any more (the backlog is gone, or the executor is paused).
 *
 * A token is stamped *after* the start it pays for is announced (taskStart, and
 * on the async backend the task's synchronous first part), and the next start
 * waits for `stamp + intervalMs`: so the times any observer reads for the
 * starts are never closer than the window allows, however late a worker's
 * start notice arrives.
 */
import type { EventEmitter } from 'eventemitter3';
import type { ExecutorEvents } from '../executor.js';
import type { RateLimit } from '../pacing.js';

/** A queue that spends the budget (one per backend executor). */
export interface RateLimited {
  /** Tasks this member holds back for want of tokens (0 while it is paused). */
  readyCount(): number;
  /** No token left: stop dispatching (tasks stay queued). */
  hold(): void;
  /** A token is free: dispatch again (unless paused); it takes tokens synchronously. */
  wake(): void;
}

export class RateLimiter {
  readonly limit: number;
  readonly intervalMs: number;
  /** Start times of the tokens inside the window, oldest first (a ring of `limit`). */
  #starts: Float64Array;
  #head = 0;
  #stamped = 0;
  /** Tokens taken whose task has not started yet. */
  #pending = 0;
  #members: RateLimited[] = [];
  #events: EventEmitter<ExecutorEvents>;
  /** The `rateLimit` event was emitted and `rateLimitCleared` not yet. */
  #limiting = false;
  #timer: NodeJS.Timeout | undefined;
  #waking = false;
  /** Tokens taken so far (to tell whether waking the members took any). */
  #taken = 0;

  constructor({ limit, intervalMs }: RateLimit, events: EventEmitter<ExecutorEvents>) {
    this.limit = limit;
    this.intervalMs = intervalMs;
    this.#starts = new Float64Array(limit);
    this.#events = events;
  }

  join(member: RateLimited): void {
    this.#members.push(member);
    if (!this.hasRoom()) member.hold();
  }

  leave(member: RateLimited): void {
    const at = this.#members.indexOf(member);
    if (at !== -1) this.#members.splice(at, 1);
    if (this.#members.length === 0) this.#stopTimer();
  }

  /** A start may be paid for now. */
  hasRoom(): boolean {
    this.#expire(performance.now());
    return this.#stamped + this.#pending < this.limit;
  }

  /** Takes a token for a task about to be handed to its backend; false (and the members held) if none is left. */
  take(): boolean {
    if (!this.hasRoom()) {
      this.#holdAll();
      return false;
    }
    this.#pending++;
    this.#taken++;
    if (this.#stamped + this.#pending >= this.limit) this.#holdAll();
    return true;
  }

  /** The task a token was taken for has started (and its start was announced). */
  started(): void {
    this.#pending--;
    this.#starts[(this.#head + this.#stamped) % this.limit] = performance.now();
    this.#stamped++;
    this.#update();
  }

  /** The task a token was taken for ended without starting: the token is free again. */
  giveBack(): void {
    this.#pending--;
    this.#wakeAll();
  }

  /**
   * A member queued a task. Held with tokens free again (they expired while
   * nothing waited, so no timer ran): dispatch now. Else the task waits for the
   * budget, which may begin a `rateLimit` episode.
   */
  queued(): void {
    this.#update(true);
  }

  #expire(now: number): void {
    while (this.#stamped > 0 && now - this.#starts[this.#head]! >= this.intervalMs) {
      this.#head = (this.#head + 1) % this.limit;
      this.#stamped--;
    }
  }

  #holdAll(): void {
    for (const member of this.#members) member.hold();
    this.#update();
  }

  /**
   * Members resume in turn, each only while a token is left (the first ones
   * may take them all). Again while tokens are left and they keep taking them:
   * waking takes time (taskStart listeners run), and more starts may leave the window meanwhile.
   */
  #wakeAll(): void {
    if (this.#waking) return;
    this.#waking = true;
    // Whether the last look found a token: a pass that took none woke every
    // member (tokens only free up meanwhile), so it ends with room; a pass cut
    // short ends without, and a member may still be held. That answer is what
    // #update decides on: a second look could find a token freed since, and
    // skip the timer with a member still held (issue 21's hang).
    let room = true;
    try {
      let taken: number;
      do {
        taken = this.#taken;
        for (const member of this.#members) {
          if (!this.hasRoom()) break;
          member.wake();
        }
        room = this.#taken === taken || this.hasRoom();
      } while (this.#taken !== taken && room);
    } finally {
      this.#waking = false;
    }
    this.#update(false, room);
  }

  /**
   * Wakes members that wait with tokens free (`wake`: at most once per change,
   * so a member that cannot take them is no loop), emits the episode's events,
   * and keeps a timer for the next token only while tasks wait for it.
   */
  #update(wake = true, room?: boolean): void {
    // Inside #wakeAll, which settles the state when the members are done.
    if (this.#waking) return;
    const ready = this.#members.some((member) => member.readyCount() > 0);
    // One look at the budget for the whole decision: with two, a token that
    // frees between them leaves a held member with neither a wake nor a timer.
    room ??= this.hasRoom();
    if (ready && wake && room) {
      this.#wakeAll();
      return;
    }
    const held = ready && !room;
    if (held && this.#timer === undefined && this.#stamped > 0) {
      // The oldest start leaves the window then; a timer may fire a little early (libuv's clock is in ms): #expire checks again.
      const due = this.#starts[this.#head]! + this.intervalMs - performance.now();
      this.#timer = setTimeout(() => this.#onTimer(), Math.max(1, Math.ceil(due)));
    }
    // One episode per backlog: it begins when a task waits for a token, and
    // ends when no task waits any more (not each time a token frees: with a
    // backlog, starts come in bursts, and slots may briefly be what holds it).
    const limiting = this.#limiting ? ready : held;
    if (limiting === this.#limiting) return;
    this.#limiting = limiting;
    const payload = { limit: this.limit, intervalMs: this.intervalMs };
    if (limiting) this.#events.emit('rateLimit', payload);
    else this.#events.emit('rateLimitCleared', payload);
  }

  #onTimer(): void {
    this.#timer = undefined;
    this.#update(true);
  }

  #stopTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
