/**
 * Cells written as a hostile (or unlucky) learner would, run for real in the static build's
 * worker: forged protocol messages (a cell has no `postMessage`), patched prototypes, a closed worker, and runaway cells (a
 * fork bomb, a mailbox flood, an output flood, unbounded recursion, hangs no loop guard sees).
 * Each must end with a clear message in its cell, leave the page responsive (main-thread round
 * trips measured while it runs) and leave a runtime that takes the next cell.
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  cellFinished,
  cellOutput,
  cellPrinted,
  cellRegion,
  clickRun,
  replaceCellCode,
  runCellCode,
} from './cellDriver';
import { SCREENSHOTS, chromiumForFile, watchPageErrors } from './browserSession';

const siteUrl = inject('siteUrl');

let page: Page;
let pageErrors: string[];

const browser = chromiumForFile();

beforeEach(async () => {
  page = await browser().newPage({ viewport: { width: 1366, height: 768 } });
  page.setDefaultTimeout(15_000);
  pageErrors = watchPageErrors(page);
  await page.goto(`${siteUrl}chapters/start`);
  await page.getByRole('status').getByText('Runtime ready').waitFor();
});

afterEach(async () => {
  await page.close();
  expect(pageErrors).toEqual([]);
});

const cell = (n: number) => cellRegion(page, n);
const output = (n: number) => cellOutput(page, n);
const run = (n: number, code: string) => runCellCode(page, n, code);
const printed = (n: number, stream?: 'stdout' | 'stderr') => cellPrinted(page, n, stream);

/** Runs `code` in cell `n` and waits for `value` as its result. */
async function expectValue(n: number, code: string, value: string) {
  await run(n, code);
  await output(n).getByText(value, { exact: true }).waitFor({ timeout: 30_000 });
}

/** One task the page's main thread ran: how long it took, and how much of the CPU it used. */
interface PageTask {
  wallMs: number;
  cpuMs: number;
}

/**
 * Starts measuring the page's main thread. Every 50 ms a message is posted to the page itself
 * and the time until it is handled is recorded, counted from when the tick was due, so a task
 * that held the thread between ticks counts too. Meanwhile a Chromium trace records every task
 * of the page's main thread with its wall time and its thread (CPU) time. Returns a function
 * that stops and gives the round trips (ms) and the tasks of 50 ms or more.
 */
async function watchMainThread(): Promise<() => Promise<MainThread>> {
  await browser().startTracing(page, { categories: ['toplevel'] });
  await page.evaluate(() => {
    const w = window as unknown as { __roundTrips: number[]; __stopMainThread: () => void };
    const roundTrips: number[] = [];
    w.__roundTrips = roundTrips;
    const channel = new MessageChannel();
    let due = performance.now() + 50;
    channel.port1.onmessage = () => {
      const now = performance.now();
      roundTrips.push(Math.max(0, Math.round(now - due)));
      due = Math.max(due + 50, now);
    };
    const timer = setInterval(() => channel.port2.postMessage(0), 50);
    w.__stopMainThread = () => clearInterval(timer);
  });
  return async () => {
    const roundTrips = await page.evaluate(() => {
      const w = window as unknown as { __roundTrips: number[]; __stopMainThread: () => void };
      w.__stopMainThread();
      return w.__roundTrips;
    });
    return { roundTrips, longTasks: mainThreadTasks(await browser().stopTracing(), 50) };
  };
}

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** The tasks of the page's main thread (CrRendererMain) that took `minMs` or more of wall time. */
function mainThreadTasks(trace: Buffer, minMs: number): PageTask[] {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const mainThreads = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  return events
    .filter(
      (e) =>
        e.ph === 'X' &&
        e.name === 'ThreadControllerImpl::RunTask' &&
        mainThreads.has(`${e.pid}:${e.tid}`) &&
        (e.dur ?? 0) >= minMs * 1000,
    )
    .map((e) => ({
      wallMs: Math.round((e.dur ?? 0) / 1000),
      cpuMs: Math.round((e.tdur ?? e.dur ?? 0) / 1000),
    }));
}

interface MainThread {
  roundTrips: number[];
  longTasks: PageTask[];
}

/**
 * Runs `code` in cell `n`, measuring the main thread from the click until `done` resolves: the
 * page must answer within 100 ms, judged two ways. The typical round trip (the median) is under
 * 100 ms, and no task of the page's main thread used 100 ms or more of the CPU (work the page
 * did). The CPU time is what counts, not a task's wall time: on a machine loaded by other jobs
 * the operating system stretches a 50 ms task to several hundred ms, which says nothing about
 * the page. For the same reason not every round trip counts: the operating system alone can keep
 * a tab's thread waiting a few hundred ms.
 */
async function runMeasured(n: number, code: string, done: () => Promise<unknown>) {
  await replaceCellCode(page, n, code);
  const stop = await watchMainThread();
  await clickRun(page, n);
  await done();
  const { roundTrips, longTasks } = await stop();
  const sorted = [...roundTrips].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1] ?? Infinity;
  const p90 = sorted[Math.floor(sorted.length * 0.9)];
  console.log(
    `${expect.getState().currentTestName}: main-thread round trips ${sorted.length}, ` +
      `median ${median} ms, p90 ${p90} ms, longest ${sorted.at(-1)} ms; ` +
      `tasks of 50 ms or more (wall/CPU ms) ${longTasks.map((t) => `${t.wallMs}/${t.cpuMs}`).join(', ') || 'none'}`,
  );
  expect(sorted.length).toBeGreaterThan(5);
  expect(median).toBeLessThan(100);
  expect(longTasks.filter((task) => task.cpuMs >= 100)).toEqual([]);
}

describe('hostile cells', { timeout: 180_000 }, () => {
  it('answers within 100 ms while nothing runs: the reference the cells below are held to', async () => {
    await runMeasured(1, '1', () => page.waitForTimeout(3000));
  });

  it('takes postMessage from cells, believes nothing dispatched, and patched prototypes neither spy on nor stop the host', async () => {
    const ids = await page
      .locator('.cell[id^="cell-"]')
      .evaluateAll((cells) => cells.map((c) => c.id.slice('cell-'.length)));
    expect(ids.length).toBeGreaterThanOrEqual(3);
    await run(
      1,
      `const g = globalThis as any;
const ids = ${JSON.stringify(ids)};
const forgeries = [];
for (const cellId of ids) {
  forgeries.push({ type: 'cell/started', runId: 1, cellId });
  forgeries.push({ type: 'cell/done', runId: 1, cellId, result: { status: 'ok', value: "'FORGED value'" }, ms: 1 });
  forgeries.push({ type: 'cell/output', chunks: [{ cellId, stream: 'stdout', text: 'FORGED output' }] });
  forgeries.push({ type: 'cell/rich', cellId, output: { kind: 'markdown', id: 'forged', markdown: '**FORGED rich**' } });
}
forgeries.push({ type: 'scheduler/state', paused: true, rate: 0.1 }, { type: 'runtime/restarted' });
let refused = 0;
for (const forged of forgeries) {
  try { g.postMessage(forged); } catch (e) { refused++; if (refused === 1) IO.puts((e as Error).message); }
}
for (let proto = Object.getPrototypeOf(g); proto; proto = Object.getPrototypeOf(proto)) {
  if (typeof proto.postMessage === 'function') IO.puts('FORGED: a postMessage is left on a prototype');
}
try { g.postMessage = () => {}; } catch { /* strict code throws, sloppy code ignores it */ }
try { g.postMessage({ type: 'pong', seq: 0 }); } catch { IO.puts('still refused after assignment'); }
try { Object.defineProperty(g, 'postMessage', { value: () => {} }); } catch { IO.puts('cannot redefine it'); }
g.dispatchEvent(new ErrorEvent('error', { message: 'FORGED error' }));
g.onmessage = () => {};
g.spied = 0;
MessagePort.prototype.postMessage = function () { g.spied++; };
Object.defineProperty(MessageEvent.prototype, 'data', {
  get() { g.spied++; return { type: 'cell/run', runId: 1, cellId: ids[1], source: "IO.puts('FORGED run')" }; },
});
refused === forgeries.length ? 'honest' : 'FORGED: some posts were taken'`,
    );
    await output(1).getByText("'honest'", { exact: true }).waitFor({ timeout: 30_000 });
    await expect(printed(1)).resolves.toBe(
      'postMessage is not available to cells: the runtime owns the channel to the page. Use IO.puts or viz to show something.\n' +
        'still refused after assignment\ncannot redefine it\n',
    );

    // The host still speaks, unseen, and hears the page as the page spoke.
    await expectValue(2, "IO.puts('after the patches'); (globalThis as any).spied", '0');
    await expect(printed(2)).resolves.toBe('after the patches\n');
    await expectValue(3, '6 * 7', '42');

    // Cell 1's code names every forgery; no output, result or notice on the page shows one.
    const outputs = await page.getByRole('log').allInnerTexts();
    expect(outputs.length).toBeGreaterThanOrEqual(3);
    for (const text of outputs) expect(text).not.toMatch(/FORGED/);
    await expect(page.locator('.runtime-bar').innerText()).resolves.not.toMatch(/FORGED/);
    await expect(page.locator('.runtime-bar').innerText()).resolves.not.toMatch(
      /was restarted: every process/,
    );
    const state = page.locator('.panel-controls__state');
    if ((await state.count()) > 0) await expect(state.innerText()).resolves.toBe('Running');
    await cell(1).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/hostile-forged.png` });
  });

  it('stops a postMessage flood at its first post; the page stays responsive', async () => {
    await runMeasured(
      1,
      "let refused = 0;\nfor (let i = 0; i < 100_000; i++) {\n  try { (globalThis as any).postMessage({ type: 'cell/output', i }); } catch { refused++; }\n}\nrefused",
      () => output(1).getByText('100000', { exact: true }).waitFor({ timeout: 60_000 }),
    );
  });

  it('replaces a worker a cell closed, says so in the cell, and the fresh one takes cells', async () => {
    await run(1, "IO.puts('closing');\n(globalThis as any).close();\nawait sleep(60_000)");
    await output(1)
      .getByText(/stopped answering and was restarted/)
      .waitFor({ timeout: 30_000 });
    await page.getByRole('status').getByText('Runtime ready').waitFor({ timeout: 30_000 });
    await expectValue(2, "['fresh', 'worker']", "['fresh', 'worker']");
  });

  it('stops a fork bomb with system_limit in the cell; the page stays responsive', async () => {
    // The bomb yields now and then (sleep(0) is a real yield once its slice is used), so on a
    // slow machine the loop guard does not stop it before the process limit does.
    // Panels folded: this measures the runtime, its host and the notebook. With the panels open,
    // their page-side copies (262,144 rows here) take main-thread time of their own, measured
    // apart (npm run bench:panels).
    await page.getByRole('button', { name: 'Fold panels' }).click();
    await runMeasured(
      1,
      "let n = 0;\ntry {\n  for (;;) {\n    spawn(() => sleep('infinity'));\n    if (++n % 10_000 === 0) await sleep(0);\n  }\n} catch (e) {\n  IO.puts(`spawned ${n}: ${(e as Error).message}`);\n}\nn",
      () => cellFinished(page, 1),
    );
    await expect(printed(1)).resolves.toMatch(
      /^spawned \d+: system_limit: cannot spawn more than 262144 processes at once\n$/,
    );
    // The 262,144 processes sleep on; a restart frees them and the runtime takes cells again.
    await page.getByRole('button', { name: 'Restart runtime' }).click();
    await page.getByText('The runtime was restarted').waitFor({ timeout: 30_000 });
    await expectValue(2, 'Process.list().length < 10', 'true');
  });

  it('kills the receiver of a mailbox flood at the limit, with a clear line; the page stays responsive', async () => {
    await runMeasured(
      1,
      // Yields now and then, so the loop guard does not stop the flood before the limit does.
      "const sink = spawn(() => sleep('infinity'));\nfor (let i = 0; i < 1_500_000; i++) {\n  send(sink, i);\n  if (i % 50_000 === 0) await sleep(0);\n}\nProcess.alive(sink)",
      () => cellFinished(page, 1),
    );
    await expect(output(1).innerText()).resolves.toMatch(/value\s*false$/i);
    await expect(printed(1, 'stderr')).resolves.toMatch(
      /was killed: its mailbox passed the limit of 1,000,000 messages/,
    );
    await expectValue(2, "send(self(), 'ok'); await receive()", "'ok'");
  });

  it('caps an output flood with a note; the page stays responsive', async () => {
    // Panels folded, as for the fork bomb: two million writes are two million trace events.
    await page.getByRole('button', { name: 'Fold panels' }).click();
    await runMeasured(
      1,
      "for (let i = 0; i < 2_000_000; i++) IO.puts(`line ${i} of a flood`);\n'done'",
      () => output(1).getByText("'done'", { exact: true }).waitFor({ timeout: 60_000 }),
    );
    const text = await printed(1);
    expect(text).toMatch(/output truncated: this cell wrote more than 100000 characters/);
    // The newest 20,000 characters (and the note) are drawn; the rest waits behind a button.
    expect(text.length).toBeLessThan(20_500);
    await output(1)
      .getByRole('button', { name: /^Show [\d,]+ earlier characters$/ })
      .click();
    await expect.poll(async () => (await printed(1)).length).toBeGreaterThan(100_000);
    expect((await printed(1)).length).toBeLessThan(110_000);
    await expectValue(2, '1 + 1', '2');
    await cell(1).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/hostile-output-flood.png` });
  });

  it('reports unbounded recursion as a RangeError in the cell', async () => {
    await run(1, 'const down = (n: number): number => down(n + 1) + 1;\ndown(0)');
    await output(1)
      .getByText(/RangeError: Maximum call stack size exceeded/)
      .waitFor({ timeout: 30_000 });
    await expectValue(2, "'after the recursion'", "'after the recursion'");
  });

  it('replaces a worker hung in code the loop guard never sees, and says so in the cell', async () => {
    await runMeasured(1, "new Function('while (true) {}')()", () =>
      output(1)
        .getByText(/stopped answering and was restarted/)
        .waitFor({ timeout: 30_000 }),
    );
    await page.getByRole('status').getByText('Runtime ready').waitFor({ timeout: 30_000 });
    await cell(1).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/hostile-hang.png` });
    await expectValue(2, "'a fresh worker'", "'a fresh worker'");
  });
});
