/**
 * Drives the browser half: serves the built page and worker from 127.0.0.1, opens them in Debian's
 * headless Chromium through playwright-core (no browser download) and writes the results as JSON
 * for run.mjs. Progress lines the worker prints arrive as console messages and are echoed here.
 *
 * Usage (run.mjs does this): node browser.mjs <build dir> <results.json> [scale]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { CHROMIUM_PATH as CHROMIUM, launchChromium } from '../scripts/chromium.mjs';
import type { SuiteResult } from './suite';

// gc() in the page and the worker, and an exact performance.memory for the idle figure.
const MEMORY_FLAGS = ['--js-flags=--expose-gc', '--enable-precise-memory-info'];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Actorbook benchmarks</title></head>
<body><script src="page.js"></script></body></html>`;

const [buildDir, resultsPath, scaleArg] = process.argv.slice(2);
if (!buildDir || !resultsPath)
  throw new Error('usage: node browser.mjs <build dir> <results.json> [scale]');
const scale = scaleArg ?? '1';

if (!existsSync(CHROMIUM)) {
  process.stdout.write(
    `Chromium: skipped, ${CHROMIUM} is missing (bash scripts/ensure-chromium.sh installs it)\n`,
  );
  writeFileSync(resultsPath, JSON.stringify(null));
  process.exit(0);
}

/** Serves index.html and the two bundles; nothing else exists. */
const server = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
  if (path === '/' || path === '/index.html') {
    response.writeHead(200, { 'content-type': CONTENT_TYPES['.html']! });
    response.end(PAGE);
    return;
  }
  const file = normalize(join(buildDir, path));
  if (!file.startsWith(normalize(buildDir)) || !existsSync(file)) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'text/plain' });
  response.end(readFileSync(file));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

const browser = await launchChromium(MEMORY_FLAGS);
try {
  const platform = `Chromium ${browser.version().split('.')[0]}`;
  const page = await browser.newPage();
  page.on('console', (message) => process.stdout.write(`${message.text()}\n`));
  page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`));
  const query = new URLSearchParams({ scale, platform });
  await page.goto(`http://127.0.0.1:${port}/?${query.toString()}`);
  const result = await page.evaluate(() => {
    const done = (window as unknown as { benchDone?: Promise<SuiteResult> }).benchDone;
    if (!done) throw new Error('page.js did not start the benchmarks');
    return done;
  });
  writeFileSync(resultsPath, JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  server.close();
}
