/**
 * One `abort` listener per distinct caller signal, however many tasks follow it.
 *
 * Sharing one AbortSignal between many runs is the usual way to cancel a batch.
 * A listener per run makes Node print `MaxListenersExceededWarning: Possible
 * EventTarget memory leak detected. 11 abort listeners added to [AbortSignal]`
 * (p-queue itself does this), and each listener is a closure kept alive by the
 * signal. Here the signal gets one listener, which fans out to the tasks that
 * follow it; the listener goes when its last follower does.
 */

export interface AbortFollower {
  /** The signal aborted (read its `reason` from the signal). */
  handleEvent(): void;
}

/** The followers of each signal that has any; the signal's one listener is the group itself. */
class FollowerGroup {
  readonly followers = new Set<AbortFollower>();

  constructor(readonly signal: AbortSignal) {}

  handleEvent(): void {
    groups.delete(this.signal);
    // A follower's handler may unfollow others (or itself): iterate a copy.
    for (const follower of [...this.followers]) follower.handleEvent();
    this.followers.clear();
  }
}

const groups = new WeakMap<AbortSignal, FollowerGroup>();

/**
 * Calls `follower.handleEvent()` when `signal` aborts: at once, synchronously,
 * if it already has. One listener per distinct signal, however many followers.
 */
export function follow(signal: AbortSignal, follower: AbortFollower): void {
  if (signal.aborted) {
    follower.handleEvent();
    return;
  }
  let group = groups.get(signal);
  if (group === undefined) {
    group = new FollowerGroup(signal);
    groups.set(signal, group);
    signal.addEventListener('abort', group, { once: true });
  }
  group.followers.add(follower);
}

/** Stops following; the signal's listener goes when its last follower does. */
export function unfollow(signal: AbortSignal, follower: AbortFollower): void {
  const group = groups.get(signal);
  if (group === undefined || !group.followers.delete(follower)) return;
  if (group.followers.size === 0) {
    groups.delete(signal);
    signal.removeEventListener('abort', group);
  }
}
