import { defineConfig } from 'vitest/config';

// Browser tests: the real static build, served over HTTP and driven in headless Chromium.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['app/test/browser/**/*.test.ts'],
    globalSetup: ['app/test/browser/globalSetup.ts'],
    // One Chromium at a time is plenty on two cores.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
