import { defineConfig } from 'vitest/config';

// Tests import the built package (dist/) the way a user does; `npm test`
// builds first. Worker threads and child processes load only built JS and
// plain .mjs fixtures, never vitest's transform.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: a hang fails anyway, and a shared 2-core machine can be several
    // times slower than an idle one (a round of the thread-close test took 5x).
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: files run two at a time so worker-heavy suites do not starve each other.
    maxWorkers: 2,
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
  },
});
