/**
 * `NODE_OPTIONS` as a pool's child gets it. A child inherits the environment,
 * and Node reads flags from `NODE_OPTIONS` before its entry runs: with
 * `--inspect-brk` there (a debugging session of the parent), every child
 * waited for a debugger and never became ready, until the start bound ended
 * it (15 s). So the same rules as for the parent's execArgv apply
 * (worker-flags.ts processFlags): an inspector listens on a free port and
 * never waits, a flag that would run something else is left out, the rest
 * stays. Only for children: a worker thread does not read `NODE_OPTIONS`.
 */
import { processFlags } from '../../worker/worker-flags.js';

/** The environment a child is forked with: `env`, its `NODE_OPTIONS` filtered (left out when nothing remains). */
export function withChildNodeOptions(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const value = env.NODE_OPTIONS;
  if (value === undefined) return env;
  const given = splitNodeOptions(value);
  const kept = processFlags(given);
  if (kept.length === given.length && kept.every((flag, i) => flag === given[i])) return env;
  const out = { ...env };
  if (kept.length === 0) delete out.NODE_OPTIONS;
  else out.NODE_OPTIONS = joinNodeOptions(kept);
  return out;
}

/**
 * Node's own reading of `NODE_OPTIONS`: arguments separated by spaces; double
 * quotes group one with spaces in it, and inside them a backslash escapes the
 * next character (`--require "./my dir/hook.js"`).
 */
export function splitNodeOptions(value: string): string[] {
  const args: string[] = [];
  let current = '';
  let started = false;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted && c === '\\' && i + 1 < value.length) {
      current += value[++i];
    } else if (c === '"') {
      quoted = !quoted;
    } else if (c === ' ' && !quoted) {
      if (started) args.push(current);
      current = '';
      started = false;
      continue;
    } else {
      current += c;
    }
    started = true;
  }
  if (started) args.push(current);
  return args;
}

/** The inverse of splitNodeOptions: quotes what needs it. */
export function joinNodeOptions(args: readonly string[]): string {
  return args.map((arg) => (arg === '' || /[ "\\]/.test(arg) ? `"${arg.replace(/["\\]/g, '\\$&')}"` : arg)).join(' ');
}
