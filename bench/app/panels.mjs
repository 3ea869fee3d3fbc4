// `npm run bench:panels`: the live panels under load, in the real static build in Chromium.
// Builds the site (or, with --reuse, serves an existing dist/, or with --dist <dir> that build), opens a chapter at 1366x768 with
// every panel open, and runs one cell that starts 10,000 processes plus a sustained message load
// (pumps sending to random processes, which take each message). Then, for --seconds (default 10),
// it measures on the page:
//   - frames per second (requestAnimationFrame callbacks counted by the page);
//   - the longest main-thread task (PerformanceObserver 'longtask', tasks over 50 ms);
//   - update lag: from the oldest runtime event in a panel update (stamped in the worker) to the
//     page applying it (the store records a User Timing measure per update; both ends use
//     performance.timeOrigin + now(), so worker and page times compare);
// and prints the message rate the runtime kept up meanwhile. Targets: at least 50 fps, no task
// over 50 ms, lag at most 250 ms. Figures, not asserts: it prints PASS or MISS for each.
/* global window, document, performance, requestAnimationFrame, PerformanceObserver -- in the page */
import { join } from 'node:path';
import process from 'node:process';
import { launchChromium } from '../../scripts/chromium.mjs';
import {
  argValue,
  benchHeader,
  cellRunner,
  prepareSite,
  root,
  say,
  serveSite,
} from './benchSite.mjs';

const distArg = argValue('--dist');
const reuse = process.argv.includes('--reuse') || distArg !== undefined;
const seconds = Number(argValue('--seconds') ?? 10);
const processes = Number(argValue('--processes') ?? 10_000);
const outDir =
  distArg ??
  (reuse ? join(root, 'dist') : join(root, 'node_modules', '.cache', 'actorbook-bench-panels'));
const TARGET_FPS = 50;
const TARGET_LONGEST_TASK_MS = 50;
const TARGET_LAG_MS = 250;

benchHeader('Actorbook live panels benchmark');
await prepareSite({ outDir, reuse });

const { server, siteUrl } = await serveSite(outDir);
const browser = await launchChromium();

// Counters the page keeps from its first script on: frames, long tasks and lag measures.
const probe = () => {
  const stats = { frames: [], longTasks: [], lags: [] };
  window.__panelsBench = stats;
  const frame = (t) => {
    stats.frames.push(t);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      stats.longTasks.push({ at: entry.startTime, ms: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.name === 'actorbook:panels-lag')
        stats.lags.push({ at: entry.startTime + entry.duration, ms: entry.duration });
    }
  }).observe({ type: 'measure', buffered: true });
};

const LOAD_CELL = [
  'const targets = [] as ReturnType<typeof spawn>[];',
  `for (let i = 0; i < ${processes}; i++) {`,
  '  targets.push(spawn(async () => { for (;;) { await receive(); } }));',
  '}',
  'const load = { sent: 0 };',
  'for (let p = 0; p < 20; p++) {',
  '  spawn(async () => {',
  '    for (;;) {',
  '      for (let k = 0; k < 20; k++) { send(targets[(Math.random() * targets.length) | 0], ["work", k]); }',
  '      load.sent += 20;',
  '      await sleep(10);',
  '    }',
  '  });',
  '}',
  'targets.length',
].join('\n');

try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.setDefaultTimeout(60_000);
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.addInitScript(probe);
  await page.goto(`${siteUrl}chapters/start`);
  const dock = page.getByRole('complementary', { name: 'Live panels' });
  await dock.waitFor();

  const run = cellRunner(page, join(root, 'test-results', 'bench-panels-cell.png'));
  const sentSoFar = async (n) => {
    const text = await run(n, 'load.sent');
    return Number(/(\d+)/.exec(text)?.[1] ?? NaN);
  };

  say(`Starting ${processes.toLocaleString('en')} processes and the message load…`);
  const started = performance.now();
  const output = await run(1, LOAD_CELL);
  say(
    `  load cell done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${output.trim()}`,
  );
  await page.waitForFunction(
    (n) =>
      /(\d+) processes/.test(document.querySelector('.process-panel__count')?.textContent ?? '') &&
      Number(/(\d+)/.exec(document.querySelector('.process-panel__count').textContent)[1]) >= n,
    processes,
    { timeout: 60_000 },
  );
  await page.waitForTimeout(2000); // warm-up

  const sentBefore = await sentSoFar(2);
  const windowStart = await page.evaluate(() => performance.now());
  const wallStart = Date.now();
  await page.waitForTimeout(seconds * 1000);
  const windowEnd = await page.evaluate(() => performance.now());
  const sentAfter = await sentSoFar(3);
  const wallSeconds = (Date.now() - wallStart) / 1000;

  const stats = await page.evaluate(
    ([from, to]) => {
      const s = window.__panelsBench;
      const inWindow = (t) => t >= from && t <= to;
      return {
        frames: s.frames.filter(inWindow).length,
        longTasks: s.longTasks.filter((t) => inWindow(t.at)).map((t) => t.ms),
        lags: s.lags.filter((l) => inWindow(l.at)).map((l) => l.ms),
        rows: document.querySelector('.process-panel__count')?.textContent ?? '',
        skipped: document.querySelector('.panel-dock__lag')?.textContent ?? 'none',
      };
    },
    [windowStart, windowEnd],
  );
  const ms = windowEnd - windowStart;
  const fps = (stats.frames * 1000) / ms;
  const longest = stats.longTasks.length ? Math.max(...stats.longTasks) : 0;
  const lags = [...stats.lags].sort((a, b) => a - b);
  const pct = (p) =>
    lags.length ? lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] : NaN;
  const maxLag = lags.length ? lags.at(-1) : NaN;
  const rate = (sentAfter - sentBefore) / wallSeconds;
  const verdict = (ok) => (ok ? 'PASS' : 'MISS');

  say(`Window: ${(ms / 1000).toFixed(1)} s with every panel open, ${stats.rows} in the table`);
  say(
    `  message load:      ${Number.isFinite(rate) ? Math.round(rate).toLocaleString('en') : '?'} messages/s sent (each taken by its receiver)`,
  );
  say(`  events skipped:    ${stats.skipped}`);
  say(
    `  page fps:          ${fps.toFixed(1)}   target >= ${TARGET_FPS}   ${verdict(fps >= TARGET_FPS)}`,
  );
  say(
    `  longest task:      ${longest.toFixed(0)} ms (${stats.longTasks.length} tasks over 50 ms)   target <= ${TARGET_LONGEST_TASK_MS} ms   ${verdict(longest <= TARGET_LONGEST_TASK_MS)}`,
  );
  say(
    `  update lag:        median ${pct(0.5).toFixed(0)} ms, p95 ${pct(0.95).toFixed(0)} ms, max ${maxLag.toFixed(0)} ms over ${lags.length} updates   target <= ${TARGET_LAG_MS} ms   ${verdict(maxLag <= TARGET_LAG_MS)}`,
  );
  if (errors.length) say(`Page errors: ${errors.join(' | ')}`);
  await page.close();
} finally {
  await browser.close();
  await server.close();
}
