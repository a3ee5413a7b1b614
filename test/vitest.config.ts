// Vitest settings for squall's suite: tests are the TypeScript sources under test/ (never the
// compiled copies in dist/); benchmarks live in test/bench and are not tests.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    exclude: ['dist/**', 'node_modules/**', 'test/bench/**', 'test/.tmp/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
