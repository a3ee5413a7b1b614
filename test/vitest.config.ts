// Vitest settings for squall's suite: tests are the TypeScript sources under test/ (never the
// compiled copies in dist/); benchmarks live in test/bench and are not tests.
// Two projects make the conformance suite: every engine test runs once with tasks on the driver
// thread (SQUALL_BACKEND=inprocess) and once on worker threads (SQUALL_BACKEND=threads), and must
// pass on both. A test that fixes its backend in its Context options runs that backend only.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('..', import.meta.url));
const engineSuites = ['test/smoke.test.ts', 'test/docs/**/*.test.ts', 'test/property/**/*.test.ts', 'test/events/**/*.test.ts', 'test/scheduler/**/*.test.ts', 'test/faults/**/*.test.ts'];

export default defineConfig({
  test: {
    root,
    exclude: ['dist/**', 'node_modules/**', 'test/bench/**', 'test/.tmp/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'inprocess', include: ['test/**/*.test.ts'], env: { SQUALL_BACKEND: 'inprocess' } },
      },
      {
        extends: true,
        test: { name: 'threads', include: engineSuites, env: { SQUALL_BACKEND: 'threads' } },
      },
    ],
  },
});
