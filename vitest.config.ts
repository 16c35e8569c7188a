import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One graphql for everyone: vitest would give our sources graphql's ESM build while graphql-yoga
    // and graphql-tools load the CommonJS one, and graphql refuses schemas from "another realm".
    alias: [{ find: /^graphql$/, replacement: fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url)) }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own database copied from a migrated template, so files run in parallel.
    pool: 'forks',
  },
});
