/** Builds the editor's test page (harness/) with the app's own plugins, for the browser test. */
import react from '@vitejs/plugin-react';
import path from 'node:path';
import { build } from 'vite';
import { runtimeTypesPlugin } from '../../../scripts/runtimeTypesPlugin.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

/** Builds the harness into `outDir` and returns it. */
export async function buildEditorHarness(outDir: string): Promise<string> {
  await build({
    configFile: false,
    root: path.join(import.meta.dirname, 'harness'),
    base: './',
    mode: 'production',
    logLevel: 'warn',
    plugins: [
      react(),
      runtimeTypesPlugin({
        rootDir: repoRoot,
        runtimeEntry: path.join(repoRoot, 'runtime/index.ts'),
        engineFile: path.join(repoRoot, 'app/engine/notebookEngine.ts'),
      }),
    ],
    build: { outDir, emptyOutDir: true, reportCompressedSize: false },
    worker: { format: 'es' },
  });
  return outDir;
}
