import { defineConfig } from 'vitest/config';

// Unit tests: the runtime, the app's engine code and the repo's tooling, all in Node.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['runtime/test/**/*.test.ts', 'app/**/*.test.ts', 'scripts/test/**/*.test.ts'],
    exclude: ['app/test/browser/**', 'node_modules/**', 'dist/**'],
    // Starting esbuild-wasm takes seconds on a loaded 2-core machine; tests that compile cells
    // pay it once, and 5 s is not always enough for that.
    testTimeout: 20_000,
  },
});
