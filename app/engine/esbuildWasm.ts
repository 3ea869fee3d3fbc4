/**
 * The one module that imports esbuild-wasm: the TypeScript -> JavaScript transform of the notebook
 * engine in the browser (Node tests pass esbuild's Node API instead).
 *
 * esbuild-wasm is large (a 14 MB wasm binary), so it is imported and initialised lazily, once per
 * worker: the first caller starts it and everyone shares the cached promise. A failure to start
 * becomes one clear message, and a later call tries again instead of repeating a stale failure.
 * It is meant to run inside the runtime worker, so esbuild runs on that thread (`worker: false`)
 * rather than in a worker of its own.
 */
import wasmURL from 'esbuild-wasm/esbuild.wasm?url';
import type { TsTransform } from './cellCompiler';

type Esbuild = typeof import('esbuild-wasm');

let starting: Promise<Esbuild> | null = null;

/** Starts esbuild-wasm if it is not started yet; rejects with a readable Error if it cannot. */
export function startEsbuild(): Promise<Esbuild> {
  starting ??= (async () => {
    try {
      const esbuild = await import('esbuild-wasm');
      await esbuild.initialize({ wasmURL, worker: false });
      // The first transform pays for warming the Go runtime up (about half a second); pay it
      // here, while the reader is still reading, instead of in their first cell.
      await esbuild.transform('const warm: number = 1;', { loader: 'ts' });
      return esbuild;
    } catch (e) {
      starting = null;
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(`The TypeScript compiler (esbuild-wasm) could not start: ${why}`, {
        cause: e,
      });
    }
  })();
  return starting;
}

/** The engine's transform: TypeScript of one cell to ES2022 JavaScript. */
export const esbuildTransform: TsTransform = async (source) => {
  const esbuild = await startEsbuild();
  const result = await esbuild.transform(source, {
    loader: 'ts',
    format: 'esm',
    target: 'es2022',
    sourcefile: 'cell.ts',
  });
  return result.code;
};
