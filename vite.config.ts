import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { chapterIndexPlugin } from './scripts/chapterIndexPlugin.ts';
import { runtimeTypesPlugin } from './scripts/runtimeTypesPlugin.ts';
import { staticPagesPlugin } from './scripts/staticPagesPlugin.ts';

const chaptersDir = fileURLToPath(new URL('./chapters', import.meta.url));

export default defineConfig({
  // Relative asset URLs let the same build run from any folder of any static host.
  base: './',
  plugins: [
    react(),
    staticPagesPlugin({ chaptersDir }),
    // The contents' data (titles, parts, counts) as `virtual:chapter-index`, read at build time.
    chapterIndexPlugin({ chaptersDir }),
    // The runtime's declarations for the cell editor, as `virtual:runtime-types`.
    runtimeTypesPlugin({
      rootDir: fileURLToPath(new URL('.', import.meta.url)),
      runtimeEntry: fileURLToPath(new URL('./runtime/index.ts', import.meta.url)),
      engineFile: fileURLToPath(new URL('./app/engine/notebookEngine.ts', import.meta.url)),
    }),
  ],
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true },
  // The runtime worker is a module worker: it lazy-loads esbuild-wasm as a chunk of its own.
  worker: { format: 'es' },
});
