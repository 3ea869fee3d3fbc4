// `npm run bench:app`: cold load of a chapter from the static build. Builds the site with the
// repo's Vite config (or, with --reuse, serves an existing dist/), serves it on 127.0.0.1 with
// clean URLs, opens a chapter in a fresh headless Chromium context (empty cache) several times
// and prints the median of:
//   - first contentful paint, and the time the chapter's title is on screen ("first text");
//   - the time the runtime bar says the runtime is ready, and the TypeScript compiler too
//     (from then on a cell runs at once);
//   - the initial JavaScript: the entry chunk and its static imports, gzipped, plus every script
//     the page fetched before its first text (the chapter's own chunk, say).
// Targets: first text under 1 s, initial JavaScript under 300 KB gzipped. Figures, not asserts.
/* global window, document, performance, requestAnimationFrame, MutationObserver -- in the page */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import process from 'node:process';
import { URL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../../scripts/chromium.mjs';
import { argValue, benchHeader, prepareSite, root, say } from './benchSite.mjs';

const reuse = process.argv.includes('--reuse');
const slug = argValue('--chapter') ?? 'start';
const runs = Number(argValue('--runs') ?? 5);
const outDir = reuse
  ? join(root, 'dist')
  : join(root, 'node_modules', '.cache', 'actorbook-bench-app');
const TARGET_FIRST_TEXT_MS = 1000;
const TARGET_INITIAL_JS_KB = 300;

benchHeader('Actorbook cold-load benchmark');

await prepareSite({ outDir, reuse });

// ---- What the page needs before anything runs: the entry chunk and its static imports. ----
const indexHtml = readFileSync(join(outDir, 'index.html'), 'utf8');
const entryScripts = [
  ...indexHtml.matchAll(/<script type="module"[^>]*src="([^"]+)"/g),
  ...indexHtml.matchAll(/<link rel="modulepreload"[^>]*href="([^"]+)"/g),
].map((match) => match[1].replace(/^\.\//, ''));
const gzipKb = (file) => gzipSync(readFileSync(join(outDir, file))).length / 1024;
const HEAVY = /(editor\.api|monaco|mermaid|esbuild|katex|cytoscape|workers?-)/i;

// ---- A plain static host with clean URLs (chapters/x serves chapters/x.html). ----
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};
const server = createServer((request, response) => {
  const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname);
  const base = normalize(join(outDir, pathname));
  const file = [base, `${base}.html`, join(base, 'index.html')].find(
    (candidate) =>
      candidate.startsWith(outDir) && existsSync(candidate) && statSync(candidate).isFile(),
  );
  if (!file) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(response);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
const address = server.address();
const siteUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;

// Records, in the page, when the chapter's title and the runtime's states first appear.
function watchMilestones() {
  const marks = {};
  window.__coldLoad = marks;
  const check = () => {
    if (marks.title === undefined && document.querySelector('main h1')) {
      marks.title = performance.now();
      requestAnimationFrame(() => {
        marks.titlePainted = performance.now();
      });
    }
    const bar = document.querySelector('[data-runtime-status]');
    if (marks.runtime === undefined && bar?.getAttribute('data-runtime-status') === 'ready') {
      marks.runtime = performance.now();
    }
    if (marks.compiler === undefined && bar?.getAttribute('data-compiler-status') === 'ready') {
      marks.compiler = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['data-runtime-status', 'data-compiler-status'],
  });
}

const browser = await launchChromium();
const samples = [];
let scriptsBeforeText = new Set();
try {
  say(`Chromium ${browser.version()}; opening ${siteUrl}chapters/${slug}, ${runs} cold loads`);
  for (let run = 0; run < runs; run++) {
    // A new context has its own empty cache.
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.addInitScript(watchMilestones);
    const scripts = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname.endsWith('.js'))
        scripts.push({ file: url.pathname.slice(1), at: Date.now() });
    });
    await page.goto(`${siteUrl}chapters/${slug}`);
    await page.waitForFunction(() => window.__coldLoad?.titlePainted !== undefined, null, {
      timeout: 15_000,
    });
    const textAt = Date.now();
    const hasRuntime = (await page.locator('[data-runtime-status]').count()) > 0;
    if (hasRuntime) {
      await page
        .waitForFunction(
          () =>
            window.__coldLoad?.runtime !== undefined && window.__coldLoad?.compiler !== undefined,
          null,
          { timeout: 30_000 },
        )
        .catch(() => undefined);
    }
    const figures = await page.evaluate(() => ({
      ...window.__coldLoad,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    }));
    samples.push(figures);
    scriptsBeforeText = new Set(scripts.filter((s) => s.at <= textAt).map((s) => s.file));
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}

const median = (key) => {
  const values = samples
    .map((s) => s[key])
    .filter((v) => typeof v === 'number')
    .sort((a, b) => a - b);
  return values.length === 0 ? undefined : values[Math.floor(values.length / 2)];
};
const ms = (value) => (value === undefined ? 'n/a' : `${Math.round(value)} ms`);
const verdict = (ok) => (ok ? 'PASS' : 'MISS');

const firstText = median('titlePainted');
const entryKb = entryScripts.reduce((sum, file) => sum + gzipKb(file), 0);
const beforeTextKb = [...scriptsBeforeText].reduce((sum, file) => sum + gzipKb(file), 0);
const heavyInEntry = entryScripts.filter((file) => HEAVY.test(file));
const heavyBeforeText = [...scriptsBeforeText].filter((file) => HEAVY.test(file));

say('');
say(`First contentful paint             ${ms(median('fcp'))}`);
say(
  `First text (chapter title painted)  ${ms(firstText)}   target < ${TARGET_FIRST_TEXT_MS} ms: ${verdict(firstText !== undefined && firstText < TARGET_FIRST_TEXT_MS)}`,
);
say(`Runtime ready                      ${ms(median('runtime'))}`);
say(`First cell can run (compiler ready) ${ms(median('compiler'))}`);
say(
  `Initial JS (entry + static imports) ${entryKb.toFixed(1)} KB gzipped in ${entryScripts.length} file(s)   target < ${TARGET_INITIAL_JS_KB} KB: ${verdict(entryKb < TARGET_INITIAL_JS_KB)}`,
);
say(`  ${entryScripts.join(', ')}`);
say(
  `All JS fetched before first text    ${beforeTextKb.toFixed(1)} KB gzipped in ${scriptsBeforeText.size} file(s)   target < ${TARGET_INITIAL_JS_KB} KB: ${verdict(beforeTextKb < TARGET_INITIAL_JS_KB)}`,
);
say(`  ${[...scriptsBeforeText].join(', ')}`);
say(
  heavyInEntry.length + heavyBeforeText.length === 0
    ? 'Editor, compiler and diagrams: none loaded before first text: PASS'
    : `Heavy chunks before first text: ${[...new Set([...heavyInEntry, ...heavyBeforeText])].join(', ')}: MISS`,
);
