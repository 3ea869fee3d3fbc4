// `npm run bench:app`: cold load of a chapter from the static build. Builds the site with the
// repo's Vite config (or, with --reuse, serves an existing dist/), serves it on 127.0.0.1 with
// clean URLs, opens a chapter in a fresh headless Chromium context (empty cache) several times
// and prints the median of:
//   - first contentful paint, and the time the chapter's title is on screen ("first text");
//   - the time the runtime bar says the runtime is ready, and the TypeScript compiler too
//     (from then on a cell runs at once);
//   - the initial JavaScript: the entry chunk and its static imports, gzipped, plus every script
//     the page fetched before its first text (the chapter's own chunk, say).
//   - the bytes fetched before the first cell can run: cold from the host, and again from the
//     offline cache (the service worker) once one visit has installed it; and what installing
//     that offline copy fetches in the background;
//   - the contents' bytes: the home page reads the build's chapter index, where it used to fetch
//     every chapter file; both are printed, per chapter too, so the scaling shows as a ratio.
// Byte figures are gzipped (what a host that compresses sends), from the files the page fetched.
// Targets: first text under 1 s, initial JavaScript under 300 KB gzipped. Figures, not asserts.
/* global window, document, navigator, performance, requestAnimationFrame, MutationObserver -- in the page */
import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
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
/** Gzipped KB of site files by their URL paths under the site (`assets/x.js`), once each. */
const filesKb = (files) =>
  [...new Set(files)].reduce((sum, file) => sum + (sitePath(file) ? gzipKb(sitePath(file)) : 0), 0);
/** The file a site URL path is served from (clean URLs: `chapters/x` is `chapters/x.html`). */
function sitePath(file) {
  const base = join(outDir, file);
  const found = [base, `${base}.html`, join(base, 'index.html')].find(
    (candidate) => existsSync(candidate) && statSync(candidate).isFile(),
  );
  return found?.slice(outDir.length + 1);
}
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

/**
 * In a context one visit has cached: waits until the service worker controls the page, then
 * opens the chapter again and returns its figures and where its bytes came from.
 */
async function loadFromOfflineCache(context) {
  const first = context.pages()[0];
  await first.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
    timeout: 120_000,
  });
  await first.getByText('Ready to work offline.').waitFor({ timeout: 120_000 });
  await first.close();
  const page = await context.newPage();
  await page.addInitScript(watchMilestones);
  const fromNetwork = [];
  const fromCache = [];
  page.on('response', (response) => {
    const file = new URL(response.url()).pathname.slice(1);
    (response.fromServiceWorker() ? fromCache : fromNetwork).push(file);
  });
  await page.goto(`${siteUrl}chapters/${slug}`);
  await page.waitForFunction(() => window.__coldLoad?.compiler !== undefined, null, {
    timeout: 30_000,
  });
  const marks = await page.evaluate(() => ({ ...window.__coldLoad }));
  await page.close();
  return { compiler: marks.compiler, networkKb: filesKb(fromNetwork), cacheKb: filesKb(fromCache) };
}

// The service worker makes every later load a warm one, so only a few runs measure it.
const cachedRuns = Math.min(runs, 3);
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
    const fetched = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname.endsWith('.js'))
        scripts.push({ file: url.pathname.slice(1), at: Date.now() });
      fetched.push(url.pathname.slice(1));
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
    // What the page and its workers fetched until a cell could run (the page's own requests:
    // the service worker's background install is counted apart, below).
    samples.push({ ...figures, coldKb: filesKb(fetched) });
    scriptsBeforeText = new Set(scripts.filter((s) => s.at <= textAt).map((s) => s.file));
    if (run < cachedRuns) samples[run].cached = await loadFromOfflineCache(context);
    await context.close();
  }
} finally {
  await browser.close();
}

const median = (key, from = samples) => {
  const values = from
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

// ---- Bytes before the first cell can run, cold and from the offline cache. ----
const cached = samples.flatMap((s) => (s.cached ? [s.cached] : []));
const kb = (value) => (value === undefined ? 'n/a' : `${value.toFixed(1)} KB`);
const precacheFiles = [
  ...readFileSync(join(outDir, 'sw.js'), 'utf8').matchAll(/url:"([^"]+)"/g),
].map((match) => match[1]);
say('');
say(
  `Bytes before the first cell can run, cold (from the host)       ${kb(median('coldKb'))} gzipped`,
);
say(
  `Bytes before the first cell can run, from the offline cache     ${kb(median('networkKb', cached))} from the network, ${kb(median('cacheKb', cached))} from the cache (${cached.length} run(s))`,
);
say(
  `First cell can run, from the offline cache                       ${ms(median('compiler', cached))}`,
);
say(
  `Installing the offline copy (background, after the first load)  ${(filesKb(precacheFiles) / 1024).toFixed(1)} MB gzipped in ${precacheFiles.length} files`,
);

// ---- The contents: the build's index against every chapter file (the old way). ----
const indexChunk = readdirSync(join(outDir, 'assets')).find((file) =>
  /chapter-index-[\w-]+\.js$/.test(file),
);
const chapterIndex = JSON.parse(
  /JSON\.parse\(`(.*)`\)/s.exec(readFileSync(join(outDir, 'assets', indexChunk), 'utf8'))[1],
);
const chapterChunks = chapterIndex.map((entry) => {
  const stem = entry.fileName.replace(/\.md$/, '');
  return `assets/${readdirSync(join(outDir, 'assets')).find((file) => file.startsWith(`${stem}-`) && file.endsWith('.js'))}`;
});
const indexKb = gzipKb(`assets/${indexChunk}`);
const allChaptersKb = chapterChunks.reduce((sum, file) => sum + gzipKb(file), 0);
const count = chapterIndex.length;
const homeFetched = await homePageChapterFetches();
say('');
say(
  `Contents (home page), ${count} chapters: the index ${kb(indexKb)} gzipped (${((indexKb * 1024) / count).toFixed(0)} B per chapter)`,
);
say(
  `  the old way, every chapter file: ${kb(allChaptersKb)} gzipped (${kb(allChaptersKb / count)} per chapter): the index costs 1/${Math.round(allChaptersKb / indexKb)} of it`,
);
say(
  `  at 40 chapters, by the same rates: the index ≈ ${kb((indexKb / count) * 40)}, every file ≈ ${kb((allChaptersKb / count) * 40)}`,
);
say(
  homeFetched.length === 0
    ? '  Chapter files the home page fetched: none: PASS'
    : `  Chapter files the home page fetched: ${homeFetched.join(', ')}: MISS`,
);

server.close();

/** Opens the home page cold and lists the chapter files it fetched (none, with the index). */
async function homePageChapterFetches() {
  const homeBrowser = await launchChromium();
  try {
    const context = await homeBrowser.newContext();
    const page = await context.newPage();
    const files = [];
    page.on('response', (response) => files.push(new URL(response.url()).pathname.slice(1)));
    await page.goto(siteUrl);
    await page.getByRole('navigation', { name: 'Chapters' }).waitFor();
    await page.waitForLoadState('networkidle');
    return files.filter((file) => chapterChunks.includes(file));
  } finally {
    await homeBrowser.close();
  }
}
