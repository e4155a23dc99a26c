/** Child processes and their resident memory, from Linux /proc (empty elsewhere). */
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Pids whose parent is this process, except tsx's esbuild transform service,
 * which the bench's own `--import tsx` starts and keeps for the life of the
 * process: it belongs to no pool.
 */
export function childPids(): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: fields start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && !readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('esbuild')) pids.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}

export function rssOfPid(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Waits until every child is gone (a pool's close() may resolve a moment before its children exit). */
export async function childrenGone(timeoutMs = 5_000): Promise<number[]> {
  for (let waited = 0; childPids().length > 0 && waited < timeoutMs; waited += 20) await new Promise((r) => setTimeout(r, 20));
  return childPids();
}
