/**
 * The per-job steps of the distributed backend, each timed alone in this
 * process (µs per job, median of batches): what each side does for a tiny
 * job besides BullMQ's own work. Used by bench/distributed-ab.ts; alone:
 *
 *   node --import tsx bench/distributed-steps.ts
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExecutor } from '../src/create-executor.js';
import { defineTask, type Task } from '../src/task.js';
import { Admission } from '../src/distributed/admission.js';
import { decodeValue, encodeValue } from '../src/distributed/codec.js';
import { checkJobData } from '../src/distributed/job-data.js';
import { ModuleRules } from '../src/distributed/module-rules.js';
import type { JobData } from '../src/distributed/protocol.js';
import { toTaskRef } from '../src/distributed/task-ref.js';

const FIXTURE = new URL('../test/fixtures/distributed-tasks.mjs', import.meta.url);
const ROOT = dirname(dirname(fileURLToPath(FIXTURE)));
const BATCHES = 15;
const PER_BATCH = 2000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** µs per call of `step`, median of BATCHES batches. */
async function time(step: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < PER_BATCH; i++) await step(i);
  const batches: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const started = performance.now();
    for (let i = 0; i < PER_BATCH; i++) {
      const out = step(i);
      if (out instanceof Promise) await out;
    }
    batches.push(((performance.now() - started) * 1000) / PER_BATCH);
  }
  return median(batches);
}

/** The same steps, `count` at once (as 5,000 jobs in flight run them): µs per job. */
async function timeConcurrent(count: number, step: (i: number) => Promise<unknown>): Promise<number> {
  await Promise.all(Array.from({ length: count }, (_, i) => step(i)));
  const batches: number[] = [];
  for (let b = 0; b < 7; b++) {
    const started = performance.now();
    await Promise.all(Array.from({ length: count }, (_, i) => step(i)));
    batches.push(((performance.now() - started) * 1000) / count);
  }
  return median(batches);
}

export async function stepCosts(): Promise<string> {
  const task = defineTask<(n: number) => number>(FIXTURE, 'tiny') as unknown as Task;
  const ref = toTaskRef(task, ROOT, true);
  const data: JobData = { task: ref, label: task.label, traits: task.traits, input: encodeValue(1, 'input'), batch: false, retries: 0 };
  const json = JSON.parse(JSON.stringify(data)) as unknown;
  const rules = new ModuleRules(ROOT, []);
  // Distinct spellings of the same file, more than the rules remember: every resolve checks the disk.
  const spellings = Array.from({ length: 2048 }, (_, i) => ({ relative: `fixtures/x${i}/../distributed-tasks.mjs`, name: 'tiny' }));
  const executor = createExecutor();
  const admission = new Admission(executor, 32, () => undefined);
  const fn = ((await import(FIXTURE.href)) as { tiny: (n: number) => number }).tiny;
  const resultJson = JSON.stringify({ value: encodeValue(2, 'result'), runMs: 0.01 });
  const rows: [string, string, number][] = [
    ['submitter', 'encode the input (v8 serialise, base64)', await time((i) => encodeValue(i, 'input'))],
    ['submitter', 'task ref (relative path under the root), uncached', await time(() => toTaskRef(task, ROOT, true))],
    ['submitter', 'read a result (JSON.parse + decode)', await time(() => decodeValue((JSON.parse(resultJson) as { value: string }).value))],
    ['worker', 'field check of job data (checkJobData)', await time(() => checkJobData(json, 'job-1'))],
    ['worker', 'module check, remembered (ModuleRules.resolve)', await time(() => rules.resolve(ref, 'job-1'))],
    ['worker', 'module check, realpath + stat each time', await time((i) => rules.resolve(spellings[i % spellings.length]!, 'job-1'))],
    ['worker', 'task object key (JSON.stringify traits)', await time(() => `${JSON.stringify(ref)}\0tiny\0${JSON.stringify(task.traits)}`)],
    ['worker', 'admission slot (take + release)', await time(() => admission.take(task)?.())],
    ['worker', 'decode input + encode result', await time(() => encodeValue((decodeValue(data.input) as number) + 1, 'result'))],
    ['worker', 'local auto executor run, one at a time', await time((i) => executor.run(task, i))],
    ['worker', 'local auto executor run, 32 at once', await timeConcurrent(32, (i) => executor.run(task, i))],
    ['worker', 'the function called directly (reference)', await time((i) => fn(i))],
  ];
  await executor.close();
  return [
    '| side | step (one tiny job) | µs/job |',
    '|---|---|---:|',
    ...rows.map(([side, step, us]) => `| ${side} | ${step} | ${us.toFixed(2)} |`),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await stepCosts());
