/**
 * One sample of workload 8, in a fresh process: `node --import tsx
 * payload-probe.ts NAME WORKERS CALLS WARMUP BYTES` starts the named thread
 * pool, warms it, then times CALLS calls whose input is a BYTES-long
 * Uint8Array (the same array each time: the pool copies it per call, nothing
 * is transferred), all submitted at once, and prints `{ ms, peakRssMb }`.
 */
import { contenderSpecs } from '../comparators.js';
import { closeAll, feed } from '../harness.js';

const [name, workersArg, callsArg, warmupArg, bytesArg] = process.argv.slice(2);
const spec = contenderSpecs.find((s) => s.name === name);
if (!spec) throw new Error(`payload-probe: no contender named ${name}`);
const input = new Uint8Array(Number(bytesArg)).fill(7);
const contender = spec.create(Number(workersArg));
try {
  await feed(Number(warmupArg), () => contender.run('size', input as never));
  const began = performance.now();
  await feed(Number(callsArg), () => contender.run('size', input as never));
  const ms = performance.now() - began;
  process.stdout.write(JSON.stringify({ ms, peakRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
} finally {
  await closeAll([contender]);
}
