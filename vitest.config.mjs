import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['labextension/test/**/*.test.ts'], environment: 'node' }
});
