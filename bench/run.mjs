// `npm run bench`: builds the benchmarks with esbuild, runs them in Node (with --expose-gc), on
// the BEAM when erl is installed, and in headless Chromium inside a Web Worker, then prints one
// combined comparison. `npm run bench -- --quick` runs everything at a tenth of the size.
//
// Plain JavaScript because it is what builds the TypeScript; everything else is in the .ts files
// next to it. Build output and results go under node_modules/.cache, where no tool looks.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(benchDir);
const outDir = join(root, 'node_modules', '.cache', 'actorbook-bench');
const scale = process.argv.includes('--quick') ? '0.1' : '1';
const say = (line) => process.stdout.write(`${line}\n`);

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const started = Date.now();
say(`Actorbook benchmarks (scale ${scale}), ${new Date().toISOString()}`);
say(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, load average ${load()}`);

// The drivers run in Node and load their libraries (nact, playwright-core, ...) from node_modules.
await build({
  entryPoints: ['node', 'otp', 'browser', 'beam', 'report'].map((name) =>
    join(benchDir, `${name}.ts`),
  ),
  outdir: outDir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
// The page and the worker get everything bundled in, libraries included.
await build({
  entryPoints: ['page', 'worker'].map((name) => join(benchDir, `${name}.ts`)),
  outdir: outDir,
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'chrome120',
  logLevel: 'warning',
});

/** Runs a built step in its own Node process; its output goes straight to ours. */
function step(script, args, nodeFlags = []) {
  const result = spawnSync(process.execPath, [...nodeFlags, join(outDir, script), ...args], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    say(`bench: ${script} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

const results = {
  node: join(outDir, 'node.json'),
  beam: join(outDir, 'beam.json'),
  chromium: join(outDir, 'chromium.json'),
};

say('');
step('node.mjs', [results.node, scale], ['--expose-gc']);
say('');
step('otp.mjs', [scale]);
say('');
step('beam.mjs', [join(benchDir, 'beam', 'savina.erl'), results.beam, scale]);
say('');
step('browser.mjs', [outDir, results.chromium, scale]);
step('report.mjs', [results.node, results.chromium, results.beam]);

say('');
say(`Done in ${((Date.now() - started) / 1000).toFixed(0)} s; load average now ${load()}.`);
