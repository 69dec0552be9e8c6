import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file builds its own servers on free ports, so files run in parallel safely.
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
