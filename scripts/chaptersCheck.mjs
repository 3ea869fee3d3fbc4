// @ts-check
/**
 * `npm run chapters:check`: without file arguments, the chapter check of the test suite (every
 * file in chapters/, with the site's own discovery rules); with them (`npm run chapters:check --
 * my/chapter.md`), the same check on the files given, from anywhere. Exit code 1 when a file is
 * malformed or misses an expectation; the messages name the file, line and column.
 *
 * The check is TypeScript (the engine's), so for file arguments this bundles
 * scripts/chapterCheckCli.ts with esbuild and runs it; packages stay in node_modules.
 */
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const files = args.filter((arg) => !arg.startsWith('-'));

if (files.length === 0) {
  const { status } = spawnSync('npx', ['vitest', 'run', 'app/test/chapters/', ...args], {
    stdio: 'inherit',
    cwd: root,
  });
  process.exit(status ?? 1);
}

// Inside the project, so the bundle finds the packages; one file per run, so runs never collide.
const outfile = join(
  root,
  'node_modules',
  '.cache',
  'actorbook-chapters-check',
  `cli-${process.pid}.mjs`,
);
await build({
  entryPoints: [join(root, 'scripts', 'chapterCheckCli.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  plugins: [
    {
      // The engine's esbuild-wasm adapter imports its .wasm as a Vite `?url` asset; headless
      // runs use esbuild's Node API instead, so the URL is never read.
      name: 'vite-url-assets',
      setup(build) {
        build.onResolve({ filter: /\?url$/ }, (resolved) => ({
          path: resolved.path,
          namespace: 'vite-url',
        }));
        build.onLoad({ filter: /.*/, namespace: 'vite-url' }, () => ({
          contents: 'export default "";',
          loader: 'js',
        }));
      },
    },
  ],
});
/** @type {{ checkChapterFiles: (paths: readonly string[]) => Promise<number> }} */
const cli = await import(pathToFileURL(outfile).href);
await rm(outfile, { force: true });
const failed = await cli.checkChapterFiles(files);
process.exit(failed === 0 ? 0 : 1);
