import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // better-sqlite3 and child servers are happier in forks than in worker threads.
    pool: 'forks'
  }
});
