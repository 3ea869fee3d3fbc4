// `npm run bench:engine`: builds bench/engine/index.html with Vite (so the app's runtime worker
// and esbuild.wasm are bundled exactly as in the app), serves it on 127.0.0.1, runs it in
// headless Chromium and prints the figures against the targets. Figures only, no assertions.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { CHROMIUM_PATH as CHROMIUM, launchChromium } from '../../scripts/chromium.mjs';
import { build } from 'vite';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(dirname(benchDir));
const outDir = join(root, 'node_modules', '.cache', 'actorbook-bench-engine');
const say = (line) => process.stdout.write(`${line}\n`);

say(`Actorbook engine benchmark, ${new Date().toISOString()}`);
say(
  `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`,
);
if (!existsSync(CHROMIUM)) {
  say(`Skipped: ${CHROMIUM} is missing (bash scripts/ensure-chromium.sh installs it).`);
  process.exit(0);
}

await build({
  configFile: false,
  root: benchDir,
  base: './',
  logLevel: 'warn',
  worker: { format: 'es' },
  build: { outDir, emptyOutDir: true },
});

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};
const server = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
  const file = normalize(join(outDir, path === '/' ? 'index.html' : path));
  if (!file.startsWith(outDir) || !existsSync(file) || !statSync(file).isFile()) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(response);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
const address = server.address();
const port = typeof address === 'object' && address ? address.port : 0;

const browser = await launchChromium();
let result;
try {
  say(`Chromium ${browser.version()}`);
  const page = await browser.newPage();
  page.on('console', (message) => say(`  ${message.text()}`));
  page.on('pageerror', (error) => say(`  page error: ${error.message}`));
  await page.goto(`http://127.0.0.1:${port}/`);
  result = await page.evaluate('window.benchDone');
} finally {
  await browser.close();
  server.close();
}

const ms = (n) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const row = (label, value, target = '') =>
  say(`  ${label.padEnd(44)}${value.padStart(10)}   ${target}`);
const { startup, typicalCell, replacement } = result;
say('');
say('Start-up (fresh worker)');
row('worker ready', ms(startup.workerReady));
row('esbuild-wasm start + warm-up, in the worker', ms(startup.compilerInWorker));
row('first cell result', ms(startup.firstCell));
say('');
say(`Typical cell, compile + run, ${typicalCell.runs} runs after start-up`);
const target = (value) => `target < 30 ms median: ${value < 30 ? 'met' : 'MISSED'}`;
row(
  'round trip from the page, median',
  ms(typicalCell.roundTrip.median),
  target(typicalCell.roundTrip.median),
);
row('round trip from the page, p95', ms(typicalCell.roundTrip.p95));
row('round trip, min / max', `${ms(typicalCell.roundTrip.min)} / ${ms(typicalCell.roundTrip.max)}`);
row('in the worker, median', ms(typicalCell.inWorker.median));
row('in the worker, p95', ms(typicalCell.inWorker.p95));
say('');
say('Hung worker (a catastrophic regex), heartbeat ping 500 ms, timeout 3000 ms');
row('hang started -> client gives up', ms(replacement.detection));
row('gave up -> terminate + new worker ready', ms(replacement.newWorkerReady));
const replaced = replacement.firstCellRunnable;
row(
  'gave up -> first cell runnable',
  ms(replaced),
  `target < 3000 ms: ${replaced < 3000 ? 'met' : 'MISSED'}`,
);
row('hang started -> first cell runnable', ms(replacement.detection + replaced));
