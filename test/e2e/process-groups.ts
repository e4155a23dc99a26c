/**
 * The e2e tests start parents with flags in process groups of their own
 * (detached), under a watchdog: whatever a test did (a failed expect, a vitest
 * timeout), no group it started outlives it.
 */
import { afterEach } from 'vitest';

/** Groups this file started and has not seen end. */
export const liveGroups = new Set<number>();

export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: the group is empty already.
  }
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(() => {
  for (const pgid of liveGroups) killGroup(pgid);
  liveGroups.clear();
});
