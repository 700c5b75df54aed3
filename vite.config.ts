import { configDefaults, defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  optimizeDeps: { include: ['dexie', 'comlink'] },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 8000,
    rollupOptions: {
      // Kernel modules have no import-time side effects (a layer rule), and gpt-tokenizer
      // declares none; saying so lets the page drop the 2 MB encoding only the worker uses.
      treeshake: { moduleSideEffects: (id: string) => !(id.includes('/node_modules/gpt-tokenizer/') || id.includes('/src/kernel/')) },
    },
  },
  preview: { host: '127.0.0.1' },
  server: { host: '127.0.0.1' },
  test: {
    environment: 'node',
    setupFiles: ['fake-indexeddb/auto'],
    // Property tests run thousands of cases; on a shared 2-core machine 5 s is not enough.
    // A hang still fails, after a minute.
    testTimeout: 60_000,
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
    // *.redis.test.ts start redis-server and worker processes: `npm run test:queue` (a step of `npm test`) runs them.
    exclude: [...configDefaults.exclude, ...(process.env.HARNESS_REDIS_TESTS ? [] : ['src/**/*.redis.test.ts'])],
  },
});
