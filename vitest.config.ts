import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const shared = { testTimeout: 60_000, hookTimeout: 180_000 };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'server',
          include: ['test/**/*.test.ts'],
          exclude: ['test/web/**'],
          ...shared,
          // better-sqlite3 and child servers are happier in forks than in worker threads.
          pool: 'forks',
          globalSetup: ['test/helpers/scratch-dir.ts']
        }
      },
      {
        // The dashboard's logic, runes included (*.svelte.ts), compiled by the Svelte plugin for the browser.
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: { name: 'web', include: ['test/web/**/*.test.ts'], environment: 'node', ...shared }
      }
    ]
  }
});
