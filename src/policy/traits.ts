/**
 * The traits a task declares about itself (API.md "Traits and the policy") and
 * their one check, shared by defineTask and the executor's `traits` option.
 * Depends on nothing, so a task definition can import it without the policy's
 * measurement (rules.ts -> task-profile.ts -> task.ts would otherwise be a circle).
 */
/** What a task declares about itself; the policy routes on these. */
export interface TaskTraits {
  /** The task spends its time computing (JavaScript on the CPU). */
  cpuBound?: boolean;
  /** The task spends its time waiting (network, disk, timers). */
  ioBound?: boolean;
  /** How many tasks of this kind will run concurrently. */
  expectedCount?: number;
  /** Tasks coordinate: shared state, ordering, locks, rate limits. */
  needsSync?: boolean;
  /** The caller needs fine-grained control of start/cancel/shutdown. */
  lifecycleControl?: boolean;
}

const TRAIT_NAMES = ['cpuBound', 'ioBound', 'expectedCount', 'needsSync', 'lifecycleControl'] as const;

/**
 * Where a set of traits came from, for messages: the executor's `traits` option
 * (`{ option: 'traits' }`) or a task's own (`{ task: 'math.mjs#fib' }`).
 */
export type TraitsSource = { option: string } | { task: string };

/**
 * The one check of a set of traits, for `defineTask` and the executor's
 * `traits` option alike: an unknown key (a typo such as `cpubound` would route
 * the task to the wrong backend without a word), a flag that is not a boolean,
 * a count that is not an integer from 0 and up. Throws on the first problem;
 * `undefined` passes.
 */
export function validateTraits(traits: unknown, source: TraitsSource): void {
  if (traits === undefined) return;
  const isOption = 'option' in source;
  // `traits.cpuBound` for the option (its path), `cpuBound` of task math.mjs#fib for a task.
  const trait = (key: string) => (isOption ? `\`${source.option}.${key}\`` : `trait \`${key}\` of task ${source.task}`);
  if (typeof traits !== 'object' || traits === null || Array.isArray(traits)) {
    throw new TypeError(
      isOption
        ? `Expected \`${source.option}\` to be an object of task traits, got ${describeValue(traits)}`
        : `Expected the traits of task ${source.task} to be an object, got ${describeValue(traits)}`,
    );
  }
  for (const [key, value] of Object.entries(traits)) {
    if (!(TRAIT_NAMES as readonly string[]).includes(key)) {
      const where = isOption ? `\`${source.option}\`` : `the traits of task ${source.task}`;
      const near = nearestTrait(key);
      throw new TypeError(
        `Unknown task trait \`${key}\` in ${where}` +
          (near ? ` (did you mean \`${near}\`?)` : ` (expected one of ${TRAIT_NAMES.join(', ')})`),
      );
    }
    if (value === undefined) continue;
    if (key === 'expectedCount') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        // Same template and classes as the executor's other counts (options.ts).
        const ErrorClass = typeof value === 'number' ? RangeError : TypeError;
        throw new ErrorClass(`Expected ${trait(key)} to be an integer from 0 and up, got ${describeValue(value)}`);
      }
    } else if (typeof value !== 'boolean') {
      throw new TypeError(`Expected ${trait(key)} to be a boolean, got ${describeValue(value)}`);
    }
  }
}

function describeValue(value: unknown): string {
  return `\`${typeof value === 'string' ? value : String(value)}\` (${typeof value})`;
}

/** The trait a typo most likely meant: same letters in another case, or at most two edits away. */
function nearestTrait(key: string): string | undefined {
  const lower = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of TRAIT_NAMES) {
    const distance = editDistance(lower, name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
