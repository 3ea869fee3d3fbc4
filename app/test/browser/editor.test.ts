/**
 * The cell editor in headless Chromium, on a page of real chapter cells (the harness in
 * app/test/editor/harness, built with the app's plugins): static code until a cell is needed,
 * Monaco on focus, completion and hover from the runtime's declarations, squiggles that do not
 * stop Shift+Enter, a cap on live editors over 30 cells, the textarea fallback, themes and
 * projector type. Prints how large the lazy editor is and how fast the first one answers.
 */
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { buildEditorHarness } from '../editor/buildHarness';
import { launchChromium } from './chromium';
import type { StaticHost } from './staticHost';
import { startStaticHost } from './staticHost';

const SCREENSHOTS = 'test-results/browser';
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const harnessDir = path.join(repoRoot, 'test-results/editor-harness');
/** LIVE_EDITOR_CAPACITY in app/editor/CodeEditor.tsx. */
const CAPACITY = 8;

let browser: Browser;
let host: StaticHost;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  if (!process.env['EDITOR_HARNESS_BUILT']) await buildEditorHarness(harnessDir);
  host = await startStaticHost({ root: harnessDir, prefix: '/editor/', cleanUrls: false });
  browser = await launchChromium();
  await mkdir(SCREENSHOTS, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.setDefaultTimeout(30_000);
  pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    await page.screenshot({
      path: `${SCREENSHOTS}/editor-failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80)}.png`,
    });
  }
  await page.close();
  expect(pageErrors).toEqual([]);
});

const editorOf = (cell: number) => page.locator(`#cell-${cell} .code-editor`);
const monacoIn = (cell: number) => page.locator(`#cell-${cell} .monaco-editor`);

/** Clicks a cell's code and waits until its Monaco editor has the keyboard. */
async function focusCell(cell: number) {
  await editorOf(cell).click();
  await page.locator(`#cell-${cell} .monaco-editor.focused`).waitFor();
}

/** The centre of the first occurrence of `word` in a live editor's text. */
async function wordCentre(cell: number, word: string) {
  return page.evaluate(
    ([id, text]) => {
      const lines = document.querySelector(`#${id} .view-lines`);
      if (!lines) return null;
      const walker = document.createTreeWalker(lines, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent?.indexOf(text) ?? -1;
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + text.length);
        const box = range.getBoundingClientRect();
        return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      }
      return null;
    },
    [`cell-${cell}`, word] as const,
  );
}

describe('the cell editor', { timeout: 90_000 }, () => {
  it('shows static code first and mounts Monaco where the learner clicks, at the same height', async () => {
    await page.goto(`${host.url}?cells=30`);
    const far = 28;
    await expect(editorOf(far).getAttribute('data-editor')).resolves.toBe('static');
    expect(await monacoIn(far).count()).toBe(0);
    await editorOf(far).scrollIntoViewIfNeeded();
    const before = await editorOf(far).boundingBox();
    await focusCell(far);
    const after = await editorOf(far).boundingBox();
    expect(after?.height).toBe(before?.height);
    expect(after?.y).toBe(before?.y);
    await expect(editorOf(far).getAttribute('data-editor')).resolves.toBe('monaco');
  });

  it('never has more live editors than its cap over a 30-cell chapter, and keeps every edit', async () => {
    await page.goto(`${host.url}?cells=30`);
    await focusCell(1);
    await page.keyboard.press('Control+Home');
    await page.keyboard.insertText('// edited first cell\n');
    await page.locator('p').first().click(); // leave the cell: only a focused editor is kept
    let most = 0;
    for (let y = 0; y < 12_000; y += 600) {
      await page.mouse.wheel(0, 600);
      await page.waitForTimeout(120);
      most = Math.max(most, await page.locator('.monaco-editor').count());
    }
    await page.waitForTimeout(500);
    most = Math.max(most, await page.locator('.monaco-editor').count());
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(CAPACITY);
    expect(await page.locator('.code-editor').count()).toBe(30);
    // The first cell's editor is gone by now; its text is not.
    await expect(monacoIn(1).count()).resolves.toBe(0);
    await expect(editorOf(1).innerText()).resolves.toContain('// edited first cell');
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`completes the runtime API and shows its docs on hover (${theme})`, async () => {
      await page.goto(`${host.url}?theme=${theme}`);
      await focusCell(2);
      await page.keyboard.press('Control+End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('Process.');
      const rows = page.locator('.suggest-widget.visible .monaco-list-row');
      await rows.first().waitFor();
      await page.keyboard.type('li');
      await page
        .locator('.suggest-widget.visible .monaco-list-row', { hasText: 'link' })
        .first()
        .waitFor();
      const labels = await rows.allTextContents();
      expect(labels.some((label) => label.startsWith('link'))).toBe(true);
      await page.screenshot({ path: `${SCREENSHOTS}/editor-completion-${theme}.png` });
      await page.keyboard.press('Escape');

      await focusCell(1);
      const spawn = await wordCentre(1, 'spawn');
      expect(spawn).not.toBeNull();
      await page.mouse.move(spawn!.x, spawn!.y);
      const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Starts a new process' });
      await hover.first().waitFor();
      expect(await hover.first().innerText()).toContain('const spawn: (fn: () => unknown) => Pid');
      await page.screenshot({ path: `${SCREENSHOTS}/editor-hover-${theme}.png` });
    });
  }

  it('underlines a type error, and Shift+Enter still runs the cell', async () => {
    await page.goto(`${host.url}`);
    await focusCell(3);
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.insertText("const oops: number = 'text';");
    await page.locator('#cell-3 .squiggly-error').first().waitFor();
    await page.keyboard.press('Shift+Enter');
    const runs = page.locator('#cell-3 .harness-runs');
    await expect(runs.getAttribute('data-runs')).resolves.toBe('1');
    await expect(runs.innerText()).resolves.toBe('runAndAdvance');
    await page.keyboard.press('Control+Enter');
    await expect(runs.innerText()).resolves.toBe('runAndAdvance run');
    // A name declared by an earlier cell is known here: no squiggle under `greeter`.
    await focusCell(2);
    await page.waitForTimeout(1500);
    expect(await page.locator('#cell-2 .squiggly-error').count()).toBe(0);
  });

  it('falls back to a textarea with a note when Monaco cannot load', async () => {
    await page.route(/editor\.api-[^/]*\.js$/, (route) => route.abort());
    await page.goto(`${host.url}`);
    await editorOf(1).click();
    const note = page.locator('#cell-1 .code-editor__note');
    await note.waitFor();
    expect(await note.innerText()).toContain('could not load');
    const textarea = page.getByRole('textbox', { name: 'Code of cell-1', exact: true });
    await textarea.focus();
    await page.keyboard.press('Shift+Enter');
    await expect(page.locator('#cell-1 .harness-runs').innerText()).resolves.toBe('runAndAdvance');
    await page.screenshot({ path: `${SCREENSHOTS}/editor-fallback.png` });
  });

  it('uses larger type in projector mode', async () => {
    await page.goto(`${host.url}`);
    await focusCell(1);
    const lineHeight = () =>
      page
        .locator('#cell-1 .view-line')
        .first()
        .evaluate((e) => e.getBoundingClientRect().height);
    const normal = await lineHeight();
    await page.evaluate(() => document.documentElement.setAttribute('data-projector', ''));
    await expect.poll(lineHeight).toBeGreaterThan(normal);
    await page.screenshot({ path: `${SCREENSHOTS}/editor-projector.png` });
  });

  it('reports how long the first editor takes to answer after a click, and how large it is', async () => {
    const assets = path.join(harnessDir, 'assets');
    const files = await readdir(assets);
    const gz = async (match: RegExp) => {
      let total = 0;
      for (const file of files.filter((f) => match.test(f))) {
        total += gzipSync(await readFile(path.join(assets, file))).length;
      }
      return Math.round(total / 1024);
    };
    const editorKb = await gz(
      /^(editor\.api|workers|tsMode|register|_virtual_runtime-types)-.*\.(js|css)$/,
    );
    const tsWorkerKb = await gz(/^ts\.worker-.*\.js$/);
    const editorWorkerKb = await gz(/^editor\.worker-.*\.js$/);

    await page.goto(`${host.url}`);
    const started = Date.now();
    await focusCell(1);
    const focusedMs = Date.now() - started;
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nProcess.');
    await page.locator('.suggest-widget.visible .monaco-list-row').first().waitFor();
    const completionMs = Date.now() - started;
    console.log(
      `cell editor (lazy): Monaco + contributions + runtime types ${editorKb} KB gzipped, ` +
        `TypeScript worker ${tsWorkerKb} KB, editor worker ${editorWorkerKb} KB; ` +
        `click to typing ${focusedMs} ms, to first completion ${completionMs} ms (cold cache)`,
    );
    expect(editorKb).toBeGreaterThan(100);
    expect(focusedMs).toBeLessThan(15_000);
  });

  it("keeps Monaco out of the app build's initial JavaScript", async () => {
    const dist = path.join(repoRoot, 'dist');
    const html = await readFile(path.join(dist, 'index.html'), 'utf8');
    const entry = /<script type="module"[^>]*src="\.\/([^"]+)"/.exec(html)?.[1];
    expect(entry).toBeDefined();
    // The entry and every chunk it imports statically: what the first page load must fetch.
    const initial = new Set<string>();
    const queue = [entry!];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (initial.has(file)) continue;
      initial.add(file);
      const code = await readFile(path.join(dist, file), 'utf8');
      for (const m of code.matchAll(
        /(?:^|[;}\n])\s*import\s*(?:[^"'()]*?from\s*)?["'](\.\/[^"']+)["']/g,
      )) {
        queue.push(path.posix.join(path.posix.dirname(file), m[1]!));
      }
    }
    let bytes = 0;
    for (const file of initial) {
      expect(file).not.toMatch(/editor\.api|ts\.worker|editor\.worker|workers-|runtime-types/);
      bytes += gzipSync(await readFile(path.join(dist, file))).length;
    }
    console.log(
      `app build: initial JavaScript ${Math.round(bytes / 1024)} KB gzipped (${initial.size} files)`,
    );
    expect(bytes).toBeLessThan(300 * 1024);
    const assets = await readdir(path.join(dist, 'assets'));
    expect(assets.some((f) => /^editor\.api-.*\.js$/.test(f))).toBe(true);
  });
});

describe('the cell editor on a chapter page', { timeout: 90_000 }, () => {
  const siteUrl = inject('siteUrl');

  it.skipIf(!siteUrl)(
    'runs a cell with a type error on Shift+Enter, with few editors up front',
    async () => {
      await page.goto(`${siteUrl}chapters/start`);
      await page.getByRole('status').getByText('Runtime ready').waitFor();
      const cell = page.getByRole('region', { name: 'Cell 1', exact: true });
      await cell.locator('.code-editor').click();
      await cell.locator('.monaco-editor.focused').waitFor();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.insertText("const typed: number = 'not a number';\ntyped");
      await cell.locator('.squiggly-error').first().waitFor();
      await page.keyboard.press('Shift+Enter');
      // The type checker's complaint does not stop the run: the cell ends ok, with its value.
      await page.locator('[aria-label="Cell 1"][data-outcome="ok"]').waitFor();
      const output = page.getByRole('log', { name: 'Output of cell 1', exact: true });
      await expect(output.innerText()).resolves.toContain('not a number');
      const editors = await page.locator('.monaco-editor').count();
      const cells = await page.locator('.code-editor').count();
      expect(editors).toBeLessThanOrEqual(Math.min(CAPACITY, cells));
      await page.screenshot({ path: `${SCREENSHOTS}/editor-chapter-type-error-ran.png` });
    },
  );
});
