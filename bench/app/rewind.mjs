// `npm run bench:rewind`: scrubbing the rewind timeline across a long run, in the real static
// build in Chromium. Builds the site (or, with --reuse, serves an existing dist/), opens a chapter
// at 1366x768 with every panel open, and runs one cell that makes a run of at least --events
// (default 100,000) trace events: a ping-pong pair trading messages, and a supervised worker that
// crashes and is restarted now and then. Then it drags the timeline's thumb from one end to the
// other and back (--moves mouse moves, default 240, over about 4 s), and steps back one event
// with the keyboard 100 times, while a Chromium trace records every task of the page's main
// thread. It prints:
//   - the page's main-thread tasks while scrubbing: count, median, 95th percentile and longest,
//     in wall time and in CPU (thread) time; target: none over 16 ms of CPU (one frame at 60 Hz);
//   - the frames shown (distinct moments the readout showed) and how many the drag asked for;
//   - the time from each key press to its moment on screen (worker rebuild + page), median/p95.
// Figures, not asserts: it prints PASS or MISS.
/* global window, document, performance, MutationObserver -- in the page */
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

const reuse = process.argv.includes('--reuse');
const events = Number(argValue('--events') ?? 100_000);
const moves = Number(argValue('--moves') ?? 240);
const outDir = reuse
  ? join(root, 'dist')
  : join(root, 'node_modules', '.cache', 'actorbook-bench-rewind');
const TARGET_TASK_MS = 16;

benchHeader('Actorbook rewind benchmark');
await prepareSite({ outDir, reuse });

const { server, siteUrl } = await serveSite(outDir);
const browser = await launchChromium();

// Four events per round trip (two sends, two receives); a pause every 50 round trips keeps the
// panels' feed from falling behind and skipping, so the whole run is in the history.
const roundTrips = Math.ceil(events / 4) + 2000;
const LOAD_CELL = `
const Flaky = GenServer.define({
  init: () => ['ok', 0],
  handleCast: (msg: string, n: number) => {
    if (msg === 'crash') throw new Error('crashed on purpose');
    return ['noreply', n + 1];
  },
});
const [, sup] = await Supervisor.startLink(
  [{ id: 'flaky', start: [Flaky, 'startLink', []] }],
  { strategy: 'one_for_one', maxRestarts: 1000, maxSeconds: 1 },
);
const pong = spawn(async () => {
  for (;;) {
    const [from, n] = (await receive(_)) as [Pid, number];
    send(from, n);
  }
});
for (let i = 0; i < ${roundTrips}; i++) {
  send(pong, [self(), i]);
  await receive(_);
  if (i % 50 === 0) await sleep(1);
  if (i % 2000 === 0) {
    const [[, flaky]] = (await Supervisor.whichChildren(sup)) as [unknown, Pid][];
    GenServer.cast(flaky, 'crash');
  }
}
'done'`;

/** The page's main-thread tasks in a Chromium trace: wall and CPU milliseconds. */
function mainThreadTasks(trace) {
  const parsed = JSON.parse(trace.toString('utf8'));
  const all = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const main = new Set(
    all
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  return all
    .filter(
      (e) =>
        e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && main.has(`${e.pid}:${e.tid}`),
    )
    .map((e) => ({ wall: (e.dur ?? 0) / 1000, cpu: (e.tdur ?? e.dur ?? 0) / 1000 }));
}

const pct = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
const ms = (n) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : '?');

try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.setDefaultTimeout(120_000);
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${siteUrl}chapters/start`);
  const dock = page.getByRole('complementary', { name: 'Live panels' });
  await dock.waitFor();
  const run = cellRunner(page, join(root, 'test-results', 'bench-rewind-cell.png'));

  say(
    `Making a run of ${events.toLocaleString('en')}+ events (${roundTrips.toLocaleString('en')} round trips, a crash every 2,000)…`,
  );
  const started = performance.now();
  const output = await run(1, LOAD_CELL);
  say(
    `  cell done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${output.trim().slice(0, 80)}`,
  );

  const timeline = dock.getByRole('region', { name: 'Rewind timeline' });
  const track = timeline.locator('.rewind__range');
  await track.waitFor();
  await page.waitForFunction(
    (n) => Number(document.querySelector('.rewind__range')?.max ?? 0) >= n,
    events - 1,
  );
  const kept = await track.evaluate((input) => ({
    min: Number(input.min),
    max: Number(input.max),
  }));
  const skipped = (await dock.locator('.panel-dock__lag').count()) > 0;
  say(
    `  history: positions ${kept.min.toLocaleString('en')} to ${kept.max.toLocaleString('en')}${skipped ? ' (the panels skipped events under load)' : ''}`,
  );

  // Count the moments the page shows, with the time each appeared.
  await page.evaluate(() => {
    const shown = [];
    window.__rewindShown = shown;
    const readout = document.querySelector('.rewind__readout');
    new MutationObserver(() =>
      shown.push({ at: performance.now(), text: readout?.textContent ?? '' }),
    ).observe(readout, { childList: true, subtree: true, characterData: true });
  });

  await browser.startTracing(page, { categories: ['toplevel'] });
  const box = await track.boundingBox();
  if (!box) throw new Error('the timeline track has no box');
  const y = box.y + box.height / 2;
  const dragStart = performance.now();
  await page.mouse.move(box.x + box.width - 2, y);
  await page.mouse.down();
  for (let i = 0; i <= moves; i++) {
    const f = i <= moves / 2 ? 1 - (2 * i) / moves : (2 * i) / moves - 1;
    await page.mouse.move(box.x + 2 + f * (box.width - 4), y);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  const dragSeconds = (performance.now() - dragStart) / 1000;
  await page.waitForTimeout(300);
  const afterDrag = await page.evaluate(() => window.__rewindShown.length);

  // Step back one event at a time, timing each press until its moment is on screen.
  const stepTimes = [];
  await track.focus();
  for (let i = 0; i < 100; i++) {
    const before = await page.evaluate(() => window.__rewindShown.length);
    const pressed = await page.evaluate(() => performance.now());
    await page.keyboard.press(',');
    await page.waitForFunction((n) => window.__rewindShown.length > n, before);
    const shownAt = await page.evaluate(() => window.__rewindShown.at(-1).at);
    stepTimes.push(shownAt - pressed);
  }
  const tasks = mainThreadTasks(await browser.stopTracing());
  await timeline.getByRole('button', { name: /Live/ }).click();

  const wall = tasks.map((t) => t.wall).sort((a, b) => a - b);
  const cpu = tasks.map((t) => t.cpu).sort((a, b) => a - b);
  const steps = [...stepTimes].sort((a, b) => a - b);
  const longestCpu = cpu.at(-1) ?? 0;
  const verdict = (ok) => (ok ? 'PASS' : 'MISS');
  say(`Scrubbing across ${(kept.max - kept.min + 1).toLocaleString('en')} events:`);
  say(
    `  drag: ${moves} moves in ${dragSeconds.toFixed(1)} s, ${afterDrag} moments shown (${(afterDrag / dragSeconds).toFixed(0)} per second)`,
  );
  say(
    `  main-thread tasks: ${tasks.length}; wall median ${ms(pct(wall, 0.5))}, p95 ${ms(pct(wall, 0.95))}, longest ${ms(wall.at(-1))}`,
  );
  say(
    `                     CPU  median ${ms(pct(cpu, 0.5))}, p95 ${ms(pct(cpu, 0.95))}, longest ${ms(longestCpu)}   target <= ${TARGET_TASK_MS} ms   ${verdict(longestCpu <= TARGET_TASK_MS)}`,
  );
  say(
    `  one step back, key to screen: median ${ms(pct(steps, 0.5))}, p95 ${ms(pct(steps, 0.95))}, longest ${ms(steps.at(-1))}`,
  );
  if (errors.length) say(`Page errors: ${errors.join(' | ')}`);
  await page.close();
} finally {
  await browser.close();
  await server.close();
}
