import { defineConfig } from 'vitest/config';
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
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'scripts/**/*.test.ts'],
  },
});
