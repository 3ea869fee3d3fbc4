/**
 * Rich cell outputs (`viz`) on a chapter page, for real: the static build, its runtime worker and
 * esbuild-wasm in headless Chromium. Each test types its own code into the chapter's cells and
 * looks at what the page draws; screenshots of each kind of output, light and dark, go to
 * test-results/browser/.
 */
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { SCREENSHOTS, chromiumForFile, watchPageErrors } from './browserSession';

const siteUrl = inject('siteUrl');

let page: Page;
let pageErrors: string[];

const browser = chromiumForFile();

afterEach(async () => {
  await page?.close();
  expect(pageErrors).toEqual([]);
});

async function openChapter(colorScheme: 'light' | 'dark' = 'light', projector = false) {
  page = await browser().newPage({
    viewport: projector ? { width: 1920, height: 1080 } : { width: 1366, height: 768 },
    deviceScaleFactor: projector ? 1.5 : 1,
    colorScheme,
  });
  page.setDefaultTimeout(20_000);
  pageErrors = watchPageErrors(page);
  await page.goto(`${siteUrl}chapters/start`);
  await page.getByRole('status').getByText('Runtime ready').waitFor();
}

const cell = (n: number) => page.getByRole('region', { name: `Cell ${n}`, exact: true });
const output = (n: number) => page.getByRole('log', { name: `Output of cell ${n}`, exact: true });

/** Replaces the code of cell `n` with `code` (through its editor) and runs it. */
async function run(n: number, code: string) {
  await cell(n).locator('.code-editor').click();
  await cell(n).locator('.monaco-editor .view-lines').click();
  await cell(n).locator('.monaco-editor.focused').waitFor();
  await page.keyboard.press('ControlOrMeta+A');
  // One line: typed line breaks would get the editor's auto-indent and closing brackets.
  await page.keyboard.insertText(code.replace(/\n\s*/g, ' '));
  await cell(n)
    .getByRole('button', { name: `Run cell ${n}`, exact: true })
    .click();
}

/** Everything cell `n` and its processes printed. */
const printed = async (n: number) =>
  (await output(n).locator('.cell-output__text').allTextContents()).join('');

const STATIC_OUTPUTS = `IO.puts('before the outputs');
viz.markdown('## Mailboxes\\nEvery process has **one** mailbox, read in order.');
viz.table([
  { name: 'counter', restarts: 0, state: { count: 3 } },
  { name: 'cache', restarts: 2, state: ['ok', new Map([['k', 1]])] },
]);
viz.mermaid('graph LR\\n  Caller -->|call| Server\\n  Server -->|reply| Caller');
IO.puts('after the outputs');`;

// Each test opens a page, mounts the editor and runs a cell: slow on a loaded machine.
describe('viz outputs on a chapter page', { timeout: 90_000 }, () => {
  for (const [scheme, projector] of [
    ['light', false],
    ['dark', false],
    ['dark', true],
  ] as const) {
    const look = `${scheme}${projector ? ', projector' : ''}`;
    it(`draws Markdown, a table and a mermaid diagram in order with the text (${look})`, async () => {
      await openChapter(scheme, projector);
      await run(1, STATIC_OUTPUTS);

      await output(1).locator('.viz-mermaid [data-diagram-state="ready"] svg').waitFor();
      await expect(output(1).locator('.viz-markdown h2').textContent()).resolves.toBe('Mailboxes');
      await expect(output(1).locator('.viz-markdown strong').textContent()).resolves.toBe('one');
      await expect(output(1).locator('.viz-table th').allTextContents()).resolves.toEqual([
        'name',
        'restarts',
        'state',
      ]);
      await expect(output(1).locator('.viz-table td').allTextContents()).resolves.toEqual([
        'counter',
        '0',
        '{ count: 3 }',
        'cache',
        '2',
        "['ok', Map(1) { 'k' => 1 }]",
      ]);
      // Text and rich outputs keep the order they were made in.
      const order = await output(1)
        .locator(':scope > *')
        .evaluateAll((nodes) =>
          nodes.map((node) =>
            node.classList.contains('cell-output__text')
              ? node.textContent!.trim()
              : (node.getAttribute('data-viz') ?? node.className),
          ),
        );
      // The last child is the value of the last expression (IO.puts returns 'ok').
      order.pop();
      expect(order).toEqual([
        'before the outputs',
        'markdown',
        'table',
        'mermaid',
        'after the outputs',
      ]);
      await cell(1).scrollIntoViewIfNeeded();
      const name = `viz-static-${scheme}${projector ? '-projector' : ''}`;
      await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
    });
  }

  it('delivers a button click as a message to a spawned process, which prints it', async () => {
    await openChapter();
    await run(
      1,
      `const printer = spawn(async () => {
  while (true) {
    const message = await receive();
    IO.puts('printer got ' + inspect(message));
  }
});
const go = viz.button('Press me', { to: printer });
const name = viz.input('Your name', { to: printer, initial: 'Ada' });`,
    );
    const button = output(1).getByRole('button', { name: 'Press me' });
    await button.click();
    await output(1)
      .getByText(/printer got \['click', 'button-\d+'\]/)
      .waitFor();
    await button.click();
    await output(1).getByRole('textbox', { name: 'Your name' }).fill('Grace');
    await output(1).getByRole('button', { name: 'Send' }).click();
    await output(1)
      .getByText(/printer got \['input', 'input-\d+', 'Grace'\]/)
      .waitFor();
    expect((await printed(1)).match(/printer got \['click'/g)).toHaveLength(2);
    await cell(1).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/viz-widgets.png` });
  });

  it('redraws an animation frame in place until it stops', async () => {
    await openChapter();
    await run(
      1,
      "viz.animate(250, (i) => (i < 6 ? viz.table([[i, '#'.repeat(i + 1)]], { columns: ['tick', 'bar'] }) : null))",
    );
    // Some running frame (a loaded machine may skip past any particular one).
    await output(1)
      .getByText(/^Frame [1-5]$/)
      .waitFor();
    expect(await output(1).locator('.viz-frame').count()).toBe(1);
    await cell(1).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/viz-animate-running.png` });
    await output(1).getByText('Stopped after 6 frames.').waitFor({ timeout: 10_000 });
    expect(await output(1).locator('.viz-frame').count()).toBe(1);
    await expect(output(1).locator('.viz-frame td').allTextContents()).resolves.toEqual([
      '5',
      '######',
    ]);
    // The animator's pid is the cell's value.
    await expect(output(1).locator('.cell-result__text').textContent()).resolves.toMatch(/#PID</);
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`shows a sequence trace and a supervision tree (${scheme})`, async () => {
      await openChapter(scheme);
      await run(
        1,
        `const Counter = GenServer.define({
  init: (n: number) => ['ok', n],
  handleCall: (_req: unknown, _from: unknown, n: number) => ['reply', n, n],
  handleCast: (_req: unknown, n: number) => ['noreply', n + 1],
});
const [, sup] = await Supervisor.startLink(
  [{ id: 'counter', start: [Counter, 'startLink', [0, { name: 'counter' }]] }],
  { strategy: 'one_for_one' },
);
viz.tree(sup);
await viz.seqTrace(async () => {
  GenServer.cast('counter', 'inc');
  return GenServer.call('counter', 'get');
})`,
      );
      await output(1).locator('.viz-sequence svg').first().waitFor();
      await output(1).locator('.viz-tree svg').first().waitFor();
      await expect(output(1).locator('.viz-sequence').textContent()).resolves.toMatch(/CAST/);
      await expect(output(1).locator('.viz-sequence').textContent()).resolves.toMatch(/CALL/);
      await expect(output(1).locator('.cell-result__text').textContent()).resolves.toBe('1');
      await cell(1).scrollIntoViewIfNeeded();
      await output(1).locator('.viz-tree').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SCREENSHOTS}/viz-trace-tree-${scheme}.png` });

      await output(1).getByRole('button', { name: 'Mermaid' }).click();
      await output(1).locator('.viz-sequence [data-diagram-state="ready"] svg').waitFor();
      await output(1).locator('.viz-sequence').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SCREENSHOTS}/viz-trace-mermaid-${scheme}.png` });
    });
  }

  it('shows a bad argument as an error of the cell', async () => {
    await openChapter();
    await run(1, "viz.table('not rows')");
    await output(1)
      .getByText(/ArgumentError: viz.table expects an array of rows/)
      .waitFor();
  });
});

describe('the TypeScript compiler on a chapter page', { timeout: 90_000 }, () => {
  it('is not downloaded while the page is busy, and the first run starts it', async () => {
    page = await browser().newPage({ viewport: { width: 1366, height: 768 } });
    page.setDefaultTimeout(30_000);
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // A page that never becomes idle: only a run may start the compiler.
    await page.addInitScript(() => {
      (window as { requestIdleCallback?: unknown }).requestIdleCallback = () => 0;
    });
    const wasm: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('.wasm')) wasm.push(request.url());
    });
    await page.goto(`${siteUrl}chapters/start`);
    await page.getByRole('status').getByText('Runtime ready').waitFor();
    await page.waitForTimeout(3000);
    expect(wasm).toEqual([]);
    await expect(
      page.locator('[data-compiler-status]').getAttribute('data-compiler-status'),
    ).resolves.toBe('starting');

    await run(2, '20 + 22');
    await output(2).getByText('42', { exact: true }).waitFor();
    expect(wasm).toHaveLength(1);
    await page.locator('[data-compiler-status="ready"]').waitFor();
  });
});
