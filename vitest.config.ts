import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // Vitest's default (cores − 1) is one file at a time on a 2-core machine, and the longest files
    // mostly wait (a Kafka broker's rebalances, the soak's clock): two at a time took the full suite
    // from 619 s to 401 s there, every test passing (BENCHMARKS.md "Test suite and CI time").
    // scripts/test-node-versions.sh runs one at a time (no such files in its suite).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
