/**
 * The policy: the concurrency guide (docs/policy.md says it in our words) as an
 * ordered rule table. `selectBackend` is pure: traits in, decision out.
 * `measuredDecision` is the same guide applied to what a task was measured
 * doing (API.md "Measured traits"): pure too, profile in, decision out.
 */
import type { TaskProfile } from './task-profile.js';

export type LocalBackend = 'process' | 'thread' | 'async';

export { validateTraits, type TaskTraits, type TraitsSource } from './traits.js';
import type { TaskTraits } from './traits.js';

export type RuleId =
  | 'cpu-bound'
  | 'io-sync'
  | 'io-many'
  | 'io-few'
  | 'io-unknown'
  | 'no-traits'
  | 'measured-cpu'
  | 'measured-blocking'
  | 'measured-waiting';

/** `B` widens for executors that are not local (`explain()` of the distributed backend says 'distributed'). */
export interface Decision<B extends string = LocalBackend> {
  backend: B;
  /** The id of the rule that chose, or `'explicit'` when the executor was given a backend. */
  rule: RuleId | 'explicit' | string;
  /** Why, in the guide's words, with the values that triggered the rule. */
  reason: string;
  /** From `explain()`: the size the backend is (or will be) built with. */
  size?: { maxWorkers?: number; concurrentTasksPerWorker?: number; concurrency?: number };
  /** From `explain(task)`: how the task's calls were measured so far (absent before any was). */
  measured?: TaskProfile;
}

export interface PolicyOptions {
  /**
   * Above this many concurrent I/O tasks, the async loop wins over threads
   * (the guide: "many (>500)" vs "a few (<500)"). Minimum 0.
   * @default 500
   */
  manyThreshold?: number;
  /** Override the backend a rule picks, e.g. `{ 'io-few': 'async' }` (the `measured-*` rules too). */
  backends?: Partial<Record<RuleId, LocalBackend>>;
  /**
   * Route a portable task (a `Task`) by its measured kind once a few calls
   * were measured (rules `measured-cpu`, `measured-blocking`, `measured-waiting`).
   * Off: tasks go where their declared traits say, and a measurement that
   * contradicts the rule is reported once per task (a `policy-advice` warning).
   * @default false
   */
  adapt?: boolean;
}

/** One row of the rule table (`RULES`): when it matches, and the reason `explain()` gives. */
export interface Rule {
  id: RuleId;
  backend: LocalBackend;
  when(traits: TaskTraits, threshold: number): boolean;
  reason(traits: TaskTraits, threshold: number, backend: LocalBackend): string;
}

const arrow = (backend: LocalBackend) => `-> ${backend === 'process' ? 'processes' : backend === 'thread' ? 'threads' : 'the async loop'}`;

/** Ordered: the first rule whose `when` holds decides. Each reason quotes the guide. */
export const RULES: readonly Rule[] = [
  {
    id: 'cpu-bound',
    backend: 'process',
    when: (t) => t.cpuBound === true,
    reason: (t, _n, b) =>
      `cpuBound${t.ioBound ? ' (wins over ioBound)' : ''}: "Use [multiple processes] for independent CPU bound tasks" ${arrow(b)}`,
  },
  {
    id: 'io-sync',
    backend: 'async',
    when: (t) => t.ioBound === true && (t.needsSync === true || t.lifecycleControl === true),
    reason: (t, _n, b) =>
      `ioBound with ${t.needsSync ? 'needsSync' : 'lifecycleControl'}: ${
        t.needsSync
          ? '"when some non-trivial synchronization between tasks is needed"'
          : '"when you need fine grain control over the lifecycle of your executor"'
      } ${arrow(b)}`,
  },
  {
    id: 'io-many',
    backend: 'async',
    when: (t, n) => t.ioBound === true && t.expectedCount !== undefined && t.expectedCount > n,
    reason: (t, n, b) =>
      `ioBound with expectedCount ${t.expectedCount} > ${n}: "when you run many tasks concurrently" ${arrow(b)}`,
  },
  {
    id: 'io-few',
    backend: 'thread',
    when: (t, n) => t.ioBound === true && t.expectedCount !== undefined && t.expectedCount <= n,
    reason: (t, n, b) =>
      `ioBound with expectedCount ${t.expectedCount} <= ${n}: "a few independent I/O bound tasks" ${arrow(b)}`,
  },
  {
    id: 'io-unknown',
    backend: 'async',
    when: (t) => t.ioBound === true,
    reason: (_t, _n, b) =>
      `ioBound with no expectedCount: the async loop has "virtually no memory and time overhead" per task, so it is safe for any count ${arrow(b)}`,
  },
  {
    id: 'no-traits',
    backend: 'async',
    when: () => true,
    reason: (_t, _n, b) =>
      `no cpuBound or ioBound declared: run in-process, where nothing needs to be portable ${arrow(b)}`,
  },
];

/** Measured calls before the measurement routes a task (`adapt`) or advises: a median of 5 is past the odd first calls. */
export const MEASURED_AFTER_RUNS = 5;
/**
 * A task shorter than this (median, ms) is not sent to a pool on its
 * measurement: a call's trip to a thread or a child and back costs tens of
 * microseconds, so a tiny task, though all CPU, runs fastest where it is.
 */
export const MIN_POOL_RUN_MS = 1;

interface MeasuredRule {
  id: RuleId;
  backend: LocalBackend;
  /** Why the guide sends this kind there. */
  why: string;
}

const pct = (share: number) => (Number.isNaN(share) ? 'unknown' : `${Math.round(share * 100)}%`);
const ms = (value: number) => `${value < 10 ? value.toPrecision(2) : Math.round(value)} ms`;

/** What was measured, in words: `measured cpu (CPU 98% of a 5.0 ms median run, 16 calls)`. */
export function describeProfile(p: TaskProfile): string {
  const how =
    p.kind === 'cpu'
      ? `CPU ${pct(p.cpuShare)} of a ${ms(p.runMs)} median run`
      : p.kind === 'blocking-io'
        ? `it holds its thread most of a ${ms(p.runMs)} median run, CPU ${pct(p.cpuShare)}`
        : `its event loop is free most of a ${ms(p.runMs)} median run, CPU ${pct(p.cpuShare)}`;
  return `measured ${p.kind} (${how}, ${p.runs} calls)`;
}

/** How each measured kind is routed: the guide's classes, now measured instead of declared. */
export const MEASURED_RULES: Readonly<Record<TaskProfile['kind'], MeasuredRule>> = {
  cpu: { id: 'measured-cpu', backend: 'process', why: '"Use [multiple processes] for independent CPU bound tasks"' },
  'blocking-io': {
    id: 'measured-blocking',
    backend: 'thread',
    why: 'a blocked event loop runs such calls one at a time, threads wait in parallel',
  },
  'waiting-io': { id: 'measured-waiting', backend: 'async', why: '"virtually no memory and time overhead to switch between tasks"' },
};

const ruleIds = new Set<string>([...RULES.map((r) => r.id), ...Object.values(MEASURED_RULES).map((r) => r.id)]);
const backendNames = new Set<string>(['process', 'thread', 'async']);

/** Throws a TypeError naming the bad key; returns the threshold in force. */
export function validatePolicy(policy: PolicyOptions = {}): number {
  for (const key of Object.keys(policy)) {
    if (key !== 'manyThreshold' && key !== 'backends' && key !== 'adapt') {
      throw new TypeError(`Unknown policy option \`${key}\` (expected \`manyThreshold\`, \`backends\` or \`adapt\`)`);
    }
  }
  if (policy.adapt !== undefined && typeof policy.adapt !== 'boolean') {
    throw new TypeError(`Expected policy \`adapt\` to be a boolean, got \`${String(policy.adapt)}\` (${typeof policy.adapt})`);
  }
  const threshold = policy.manyThreshold ?? 500;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0) {
    throw new TypeError(
      `Expected policy \`manyThreshold\` to be a number from 0 and up, got \`${String(threshold)}\` (${typeof threshold})`,
    );
  }
  for (const [rule, backend] of Object.entries(policy.backends ?? {})) {
    if (!ruleIds.has(rule)) {
      throw new TypeError(`Unknown policy rule \`${rule}\` in \`backends\` (expected one of ${[...ruleIds].join(', ')})`);
    }
    if (!backendNames.has(backend as string)) {
      throw new TypeError(
        `Expected policy \`backends.${rule}\` to be 'process', 'thread' or 'async', got \`${String(backend)}\``,
      );
    }
  }
  return threshold;
}

/** Picks the backend for a task from its traits. Pure: no I/O, no state. */
export function selectBackend(traits: TaskTraits = {}, policy: PolicyOptions = {}): Decision {
  const threshold = validatePolicy(policy);
  const rule = RULES.find((r) => r.when(traits, threshold))!;
  const backend = policy.backends?.[rule.id] ?? rule.backend;
  return { backend, rule: rule.id, reason: rule.reason(traits, threshold, backend) };
}

/**
 * Why a task's measurement has no say in its routing, or undefined when it
 * has: fewer than MEASURED_AFTER_RUNS calls measured; a plain function (only
 * the async backend can run it); rule `io-sync` (shared state and lifecycle
 * control are requirements, not guesses, and only the caller's own event loop
 * meets them); a task too short to gain from a pool (MIN_POOL_RUN_MS).
 */
function measurementVeto(declared: Decision, profile: TaskProfile | undefined, portable: boolean, policy: PolicyOptions): string | undefined {
  if (!portable) return 'a plain function can only run on the async loop';
  if (declared.rule === 'io-sync') return `rule io-sync is a requirement (${declared.reason.split(':')[0]}), not a guess`;
  const runs = profile?.runs ?? 0;
  if (profile === undefined || runs < MEASURED_AFTER_RUNS) return `${runs} of ${MEASURED_AFTER_RUNS} calls measured so far`;
  const rule = MEASURED_RULES[profile.kind];
  const backend = policy.backends?.[rule.id] ?? rule.backend;
  if (backend !== 'async' && profile.runMs < MIN_POOL_RUN_MS) {
    return `measured ${profile.kind} over ${runs} calls, but a ${ms(profile.runMs)} call is too short to gain from a pool`;
  }
  return undefined;
}

/** The decision a task's measurement makes, given the rule that routed it (pure); undefined when it has no say. */
export function measuredDecision(
  declared: Decision,
  profile: TaskProfile | undefined,
  portable: boolean,
  policy: PolicyOptions = {},
): Decision | undefined {
  if (profile === undefined || measurementVeto(declared, profile, portable, policy) !== undefined) return undefined;
  const rule = MEASURED_RULES[profile.kind];
  const backend = policy.backends?.[rule.id] ?? rule.backend;
  return { backend, rule: rule.id, reason: `${describeProfile(profile)}: ${rule.why} ${arrow(backend)}`, measured: profile };
}

/**
 * With `adapt`: the rule in force for a task, and a reason giving the declared
 * rule, the measurement and the rule in force in one sentence.
 */
export function adaptedDecision(
  declared: Decision,
  profile: TaskProfile | undefined,
  portable: boolean,
  policy: PolicyOptions = {},
): Decision {
  const before = `Declared traits chose ${declared.backend} by rule ${declared.rule} (${declared.reason})`;
  const veto = measurementVeto(declared, profile, portable, policy);
  if (veto !== undefined || profile === undefined) {
    return { ...declared, reason: `${before}; ${veto}, so rule ${declared.rule} stays in force.` };
  }
  const measured = measuredDecision(declared, profile, portable, policy)!;
  const verdict =
    measured.backend === declared.backend
      ? `which agrees: it stays on ${declared.backend}, by rule ${measured.rule}`
      : `so rule ${measured.rule} now routes it to ${measured.backend} instead`;
  return { ...measured, reason: `${before}; then ${measured.reason}, ${verdict}.` };
}
