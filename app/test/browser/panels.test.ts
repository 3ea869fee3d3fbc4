/**
 * The live panels as a person uses them: run cells on a chapter page of the real static build,
 * watch the supervision tree, the processes table and the scheduler controls react. Each test
 * types its own code into the chapter's cells (through the cell editor, as a person would), so
 * the chapter's text may change freely. Screenshots go to test-results/browser/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { SCREENSHOTS, chromiumForFile, watchPageErrors } from './browserSession';

const siteUrl = inject('siteUrl');

let page: Page;
let pageErrors: string[];

const browser = chromiumForFile();

async function openChapter(options: Parameters<Browser['newPage']>[0] = {}) {
  page = await browser().newPage({ viewport: { width: 1366, height: 768 }, ...options });
  page.setDefaultTimeout(20_000);
  pageErrors = watchPageErrors(page);
  await page.goto(`${siteUrl}chapters/start`);
  await dock().waitFor();
}

beforeEach(async () => {
  await openChapter();
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    await page.screenshot({
      path: `${SCREENSHOTS}/panels-failed-${context.task.name.slice(0, 40)}.png`,
    });
  }
  await page.close();
  expect(pageErrors).toEqual([]);
});

/** Waits until `read` gives `expected` (the panels update ten times a second; the machine may be slow). */
const eventually = <T>(read: () => Promise<T> | T) =>
  expect.poll(read, { timeout: 15_000, interval: 100 });

const dock = () => page.getByRole('complementary', { name: 'Live panels' });
const cell = (n: number) => page.getByRole('region', { name: `Cell ${n}`, exact: true });

/** Types `code` into cell `n` through its editor, runs it and waits for its value. */
async function run(n: number, code: string) {
  await cell(n).locator('.code-editor').first().click();
  await cell(n).locator('.monaco-editor.focused').waitFor();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(code);
  await cell(n)
    .getByRole('button', { name: `Run cell ${n}`, exact: true })
    .click();
  await cell(n)
    .getByText(/Ran in/)
    .waitFor();
}

/** The supervision tree's nodes as screen readers hear them. */
const treeItems = () =>
  dock()
    .locator('[role="treeitem"]')
    .evaluateAll((items) => items.map((item) => item.getAttribute('aria-label') ?? ''));

interface Child {
  pid: string;
  restarts: number;
}

/** The workers `ids` of the tree: their pids and restart counts. */
async function children(ids: readonly string[]): Promise<Record<string, Child>> {
  const out: Record<string, Child> = {};
  for (const label of await treeItems()) {
    const match = /^worker (\w+); (#PID<0\.\d+\.0>); running(?:; restarted (\d+) times?)?/.exec(
      label,
    );
    if (match && ids.includes(match[1]!)) {
      out[match[1]!] = { pid: match[2]!, restarts: Number(match[3] ?? 0) };
    }
  }
  return out;
}

/** Starts a supervisor of three workers `<x>1..3` under `strategy` in cell `n`. */
async function startSupervisor(n: number, strategy: string, ids: readonly string[]) {
  const specs = ids.map((id, i) => `{ id: '${id}', start: [W${n}, 'startLink', [${i}]] }`);
  await run(
    n,
    [
      `const W${n} = GenServer.define({ init: (n: number) => ['ok', n] });`,
      `const [, sup${n}] = await Supervisor.startLink([${specs.join(', ')}], { strategy: '${strategy}' });`,
      'sup' + n,
    ].join('\n'),
  );
  await eventually(async () => Object.keys(await children(ids)).length).toBe(3);
  return children(ids);
}

/** Selects the process of worker `id` in the tree and kills it from its details. */
async function killFromTree(id: string) {
  await dock().locator(`[role="treeitem"][aria-label^="worker ${id};"]`).click();
  const details = dock().getByRole('region', { name: /^Process #PID/ });
  await details.getByRole('button', { name: 'Kill' }).click();
}

/** The queue length the processes table shows for the process named `name`. */
async function queueOf(name: string): Promise<number | null> {
  const row = dock().getByRole('row').filter({ hasText: name });
  if ((await row.count()) !== 1) return null;
  const label = await row.getByRole('gridcell', { name: /^Queue / }).getAttribute('aria-label');
  return Number(label!.slice('Queue '.length));
}

/** The status the processes table shows for the process named `name`. */
async function statusOf(name: string): Promise<string | null> {
  const row = dock().getByRole('row').filter({ hasText: name });
  if ((await row.count()) !== 1) return null;
  return row.locator('.proc-status').textContent();
}

describe('supervision tree panel', { timeout: 120_000 }, () => {
  it('restarts only the crashed child under one_for_one, marked with its old pid', async () => {
    const before = await startSupervisor(1, 'one_for_one', ['a1', 'b1', 'c1']);
    await killFromTree('b1');
    await eventually(async () => (await children(['b1'])).b1?.restarts).toBe(1);
    const after = await children(['a1', 'b1', 'c1']);
    expect(after.b1!.pid).not.toBe(before.b1!.pid);
    expect(after.a1).toEqual(before.a1);
    expect(after.c1).toEqual(before.c1);
    const label = (await treeItems()).find((l) => l.startsWith('worker b1;'))!;
    expect(label).toContain(`was ${before.b1!.pid}`);
    await dock().screenshot({ path: `${SCREENSHOTS}/panels-tree-one-for-one.png` });
  });

  it('restarts every child under one_for_all', async () => {
    const before = await startSupervisor(1, 'one_for_all', ['a2', 'b2', 'c2']);
    await killFromTree('a2');
    await eventually(async () =>
      Object.values(await children(['a2', 'b2', 'c2'])).map((c) => c.restarts),
    ).toEqual([1, 1, 1]);
    const after = await children(['a2', 'b2', 'c2']);
    for (const id of ['a2', 'b2', 'c2']) expect(after[id]!.pid).not.toBe(before[id]!.pid);
  });

  it('restarts the crashed child and those started after it under rest_for_one', async () => {
    const before = await startSupervisor(1, 'rest_for_one', ['a3', 'b3', 'c3']);
    await killFromTree('b3');
    await eventually(async () =>
      Object.values(await children(['a3', 'b3', 'c3'])).map((c) => c.restarts),
    ).toEqual([0, 1, 1]);
    const after = await children(['a3', 'b3', 'c3']);
    expect(after.a3).toEqual(before.a3);
    expect(after.b3!.pid).not.toBe(before.b3!.pid);
    expect(after.c3!.pid).not.toBe(before.c3!.pid);
  });
});

describe('processes panel', { timeout: 120_000 }, () => {
  it('shows the queue of a process that is not receiving grow, its messages, then drain', async () => {
    await run(
      1,
      [
        "const hoard = spawn(async () => { await receive('drain'); for (;;) { await receive(); } });",
        "Process.register(hoard, 'hoard');",
        "for (let i = 0; i < 5; i++) send(hoard, ['job', i]);",
        'hoard',
      ].join('\n'),
    );
    await dock().getByRole('searchbox', { name: 'Filter processes' }).fill('hoard');
    await eventually(() => queueOf('hoard')).toBe(5);

    await run(2, "for (let i = 5; i < 12; i++) send(hoard, ['job', i]);\n'more'");
    await eventually(() => queueOf('hoard')).toBe(12);

    await dock().getByRole('row').filter({ hasText: 'hoard' }).click();
    const details = dock().getByRole('region', { name: /^Process #PID/ });
    const mailbox = details.getByRole('list', { name: 'Queued messages, newest last' });
    await eventually(() => mailbox.getByRole('listitem').count()).toBe(12);
    const messages = await mailbox.getByRole('listitem').allTextContents();
    expect(messages[0]).toBe("['job', 0]");
    expect(messages.at(-1)).toBe("['job', 11]");
    await expect(details.locator('.process-details__waiting').textContent()).resolves.toContain(
      "'drain'",
    );
    await dock().screenshot({ path: `${SCREENSHOTS}/panels-processes-queue.png` });

    await run(3, "send(hoard, 'drain');\n'drained'");
    await eventually(() => queueOf('hoard')).toBe(0);
  });
});

describe('scheduler controls', { timeout: 120_000 }, () => {
  it('pauses, steps one message at a time, and resumes', async () => {
    await run(
      1,
      [
        "const slow = spawn(async () => { await receive('go'); for (;;) { await receive(); } });",
        "Process.register(slow, 'slow');",
        "for (let i = 1; i <= 4; i++) send(slow, ['tick', i]);",
        "Process.sendAfter(slow, 'go', 3000);",
        "'armed'",
      ].join('\n'),
    );
    const controls = dock().getByRole('toolbar', { name: 'Scheduler controls' });
    await controls.getByRole('button', { name: 'Pause' }).click();
    await eventually(() => controls.getByRole('status').textContent()).toBe('Paused');
    await dock().getByRole('searchbox', { name: 'Filter processes' }).fill('slow');
    await eventually(() => queueOf('slow')).toBe(4);
    // The timer still delivers 'go' while paused (the waiting receive takes it as it arrives),
    // but the process does not run: its four ticks stay queued.
    await eventually(() => statusOf('slow')).toBe('running');
    await page.waitForTimeout(500);
    expect(await queueOf('slow')).toBe(4);

    await controls.getByRole('button', { name: 'Step' }).click();
    await eventually(() => queueOf('slow')).toBe(3);
    await page.waitForTimeout(300);
    expect(await queueOf('slow')).toBe(3);
    await controls.getByRole('button', { name: 'Step' }).click();
    await eventually(() => queueOf('slow')).toBe(2);
    await dock().screenshot({ path: `${SCREENSHOTS}/panels-paused-step.png` });

    await controls.getByRole('button', { name: 'Resume' }).click();
    await eventually(() => queueOf('slow')).toBe(0);
    await eventually(() => controls.getByRole('status').textContent()).toBe('Running');
  });
});

describe('panels at work, as pictures', { timeout: 120_000 }, () => {
  const scene = [
    "const Wk = GenServer.define({ init: (n: number) => ['ok', n], handleCall: (r: unknown, _f: unknown, s: number) => ['reply', [r, s], s] });",
    "const [, top] = await Supervisor.startLink([{ id: 'alpha', start: [Wk, 'startLink', [1]] }, { id: 'beta', start: [Wk, 'startLink', [2]] }, { id: 'gamma', start: [Wk, 'startLink', [3]] }], { strategy: 'one_for_one', name: 'top' });",
    "const [[, alpha]] = (await Supervisor.whichChildren(top)).filter((c: any[]) => c[0] === 'alpha');",
    "await GenServer.call(alpha, 'ping');",
    "const box = spawn(async () => { await receive('go'); });",
    "Process.register(box, 'box');",
    "send(box, ['job', 1]); send(box, ['job', 2]);",
    'Process.exit(alpha, "kill");',
    'top',
  ].join('\n');

  it('draws every panel at 1366x768 in the light theme', async () => {
    await run(1, scene);
    await dock().getByRole('row').filter({ hasText: 'box' }).click();
    await eventually(async () => (await treeItems()).some((l) => l.includes('restarted'))).toBe(
      true,
    );
    await page.screenshot({ path: `${SCREENSHOTS}/panels-1366-light.png` });

    const sequence = dock().locator('.panel-section--sequence');
    await sequence.scrollIntoViewIfNeeded();
    await sequence.getByRole('button', { name: 'Export mermaid' }).click();
    const mermaid = await sequence.getByRole('textbox', { name: 'Mermaid text' }).inputValue();
    expect(mermaid).toMatch(/^sequenceDiagram\n/);
    expect(mermaid).toContain("CALL: 'ping'");
    expect(mermaid).toMatch(/participant P\d+ as box/);
    await dock().screenshot({ path: `${SCREENSHOTS}/panels-sequence-export.png` });
  });

  it('draws every panel at projector scale in the dark theme', async () => {
    await page.close();
    await openChapter({
      viewport: { width: 1280, height: 720 },
      deviceScaleFactor: 1.5,
      colorScheme: 'dark',
    });
    await run(1, scene);
    await eventually(async () => (await treeItems()).some((l) => l.includes('restarted'))).toBe(
      true,
    );
    await page.screenshot({ path: `${SCREENSHOTS}/panels-projector-dark.png` });
    await page.getByRole('button', { name: 'Projector' }).click();
    await expect(dock().count()).resolves.toBe(0); // projector mode hides the panels
    await page.getByRole('button', { name: 'Panels' }).click();
    await dock().waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SCREENSHOTS}/panels-projector-mode-dark.png` });
  });
});
