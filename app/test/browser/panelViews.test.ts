/**
 * The supervision tree and sequence trace drawings in Chromium, on data from real runtime runs.
 *
 * They are drawn by a test-only harness page (app/test/harness/), not through a chapter: the
 * drawings are pure components, and the harness lets this test feed them exactly the forests and
 * traces it wants (three children, five hundred, a trace of 2000 items) without a worker in
 * between. The live panels that wire runtime updates into these components have tests of their
 * own. Fresh fixtures are made from the runtime at the start (so the pictures always show what
 * the current runtime does); UPDATE_PANEL_FIXTURES=1 also writes the small ones to
 * app/test/fixtures/panels/ (run prettier on them after), where
 * `npx vite app/test/harness --publicDir ../fixtures/panels` finds them for work by hand.
 */
import react from '@vitejs/plugin-react';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  conversation,
  manyChildren,
  mixedForest,
  pingPong,
  threeChildren,
} from '../panels/viewScenarios';
import { launchChromium } from './chromium';
import type { StaticHost } from './staticHost';
import { startStaticHost } from './staticHost';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const SCREENSHOTS = path.join(repoRoot, 'test-results/browser');
const harnessDir = path.join(repoRoot, 'app/test/harness');
const workDir = path.join(SCREENSHOTS, 'harness');

let browser: Browser;
let host: StaticHost;
let page: Page;
let pageErrors: string[];

/** Fixtures small enough to keep in the repository; the large ones are made afresh each run. */
const KEPT = new Set(['tree-three', 'tree-mixed', 'seq-conversation']);

async function writeFixtures(dir: string, only?: ReadonlySet<string>) {
  await mkdir(dir, { recursive: true });
  // One runtime at a time: each run owns the current-process context while it runs.
  const fixtures: [string, unknown][] = [
    ['tree-three', await threeChildren()],
    ['tree-mixed', await mixedForest()],
    ['tree-500', await manyChildren(500, false)],
    ['tree-500-open', await manyChildren(500, true)],
    ['seq-conversation', await conversation()],
    ['seq-pingpong', await pingPong(1000)],
  ];
  for (const [name, data] of fixtures) {
    if (only && !only.has(name)) continue;
    await writeFile(path.join(dir, `${name}.json`), `${JSON.stringify(data, null, 1)}\n`);
  }
}

beforeAll(async () => {
  const fixtures = path.join(workDir, 'fixtures');
  await writeFixtures(fixtures);
  if (process.env['UPDATE_PANEL_FIXTURES']) {
    await writeFixtures(path.join(repoRoot, 'app/test/fixtures/panels'), KEPT);
  }
  // Vitest runs with NODE_ENV=test; the harness should be a production build, like the site.
  const nodeEnv = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  try {
    await build({
      root: harnessDir,
      base: './',
      configFile: false,
      logLevel: 'warn',
      plugins: [react()],
      publicDir: fixtures,
      build: {
        outDir: path.join(workDir, 'site'),
        emptyOutDir: true,
        rollupOptions: { input: path.join(harnessDir, 'panelViews.html') },
      },
    });
  } finally {
    process.env['NODE_ENV'] = nodeEnv;
  }
  host = await startStaticHost({
    root: path.join(workDir, 'site'),
    prefix: '/harness/',
    cleanUrls: false,
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

afterEach(async () => {
  await page?.close();
  expect(pageErrors).toEqual([]);
});

interface Look {
  theme?: 'light' | 'dark';
  projector?: boolean;
  mode?: 'panel' | 'cell';
}

/** Opens the harness on a fixture and waits until the drawing is on screen. */
async function open(query: string, look: Look = {}) {
  const projector = look.projector ?? false;
  if (page && !page.isClosed()) {
    await page.close();
    expect(pageErrors).toEqual([]);
  }
  page = await browser.newPage(
    projector
      ? { viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1.5 }
      : { viewport: { width: 1366, height: 768 } },
  );
  page.setDefaultTimeout(10_000);
  pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const params = new URLSearchParams(query);
  if (look.theme === 'dark') params.set('theme', 'dark');
  if (projector) params.set('projector', '');
  if (look.mode === 'cell') params.set('mode', 'cell');
  await page.goto(`${host.url}panelViews.html?${params}`);
  await page.waitForFunction(() => window.harness.ready || window.harness.error !== null);
  expect(await page.evaluate(() => window.harness.error)).toBeNull();
}

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
const harness = () => page.evaluate(() => window.harness);

/** Scrolls the sequence view to its newest row and waits for the rows there to be drawn. */
async function toBottom() {
  await page.locator('.seq-view__scroll').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await page.locator('.seq-view__now').waitFor({ state: 'attached' });
  await nextFrame();
}

/** Waits until the page has drawn a frame after what the test just did. */
async function nextFrame() {
  await page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))),
  );
}

describe('supervision tree drawing', () => {
  it('draws a supervisor with three workers, the restarted one marked with the pid it replaced', async () => {
    await open('view=tree&fixture=tree-three');
    const tree = page.getByRole('tree', { name: 'Supervision tree' });
    await expect(tree.getByRole('treeitem').count()).resolves.toBe(5);
    const cache = tree.getByRole('treeitem', { name: /^worker cache;/ });
    await expect(cache.locator('.tree-node__badge').textContent()).resolves.toBe('↻1');
    await expect(cache.locator('.tree-node__detail').textContent()).resolves.toMatch(
      /^was #PID<0\.\d+\.0>$/,
    );
    await expect(cache.locator('.tree-node__flash').count()).resolves.toBe(1);
    await expect(
      tree.getByRole('treeitem', { name: /^supervisor app_sup;/ }).textContent(),
    ).resolves.toContain('one_for_one');
    await shot('tree-three-light');

    await tree.getByRole('treeitem', { name: /^worker counter;/ }).click();
    const counterPid = Number(
      await tree.getByRole('treeitem', { name: /^worker counter;/ }).getAttribute('data-pid'),
    );
    expect((await harness()).selected).toEqual([counterPid]);
    await expect(
      tree.getByRole('treeitem', { name: /^worker counter;/ }).getAttribute('aria-selected'),
    ).resolves.toBe('true');
  });

  it('moves between nodes with the arrow keys and selects with Enter', async () => {
    await open('view=tree&fixture=tree-three');
    const tree = page.getByRole('tree', { name: 'Supervision tree' });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    await expect(focused()).resolves.toMatch(/^supervisor app_sup;/);
    await page.keyboard.press('ArrowDown');
    await expect(focused()).resolves.toMatch(/^worker counter;/);
    await page.keyboard.press('ArrowRight');
    await expect(focused()).resolves.toMatch(/^worker cache;/);
    await page.keyboard.press('Enter');
    const cachePid = Number(
      await tree.getByRole('treeitem', { name: /^worker cache;/ }).getAttribute('data-pid'),
    );
    expect((await harness()).selected).toEqual([cachePid]);
  });

  for (const look of [
    { theme: 'dark' },
    { projector: true },
    { projector: true, theme: 'dark' },
  ] as Look[]) {
    const name = `${look.projector ? 'projector' : '1366'}-${look.theme ?? 'light'}`;
    it(`shows nested supervisors, an exited child, a child not started and a link tree (${name})`, async () => {
      await open('view=tree&fixture=tree-mixed', look);
      const tree = page.getByRole('tree');
      await expect(
        tree.getByRole('treeitem', { name: /^worker conn_b;.*exited/ }).textContent(),
      ).resolves.toContain("exited: 'boom'");
      await expect(
        tree.getByRole('treeitem', { name: /^worker optional;.*not started/ }).textContent(),
      ).resolves.toContain('not started');
      await expect(page.locator('.tree-view__edge--link').count()).resolves.toBeGreaterThan(0);
      await expect(page.locator('.tree-view__edge--cross').count()).resolves.toBeGreaterThan(0);
      await shot(`tree-mixed-${name}`);
    });
  }

  it('folds 500 children into one node, unfolds them, and draws only the nodes in view', async () => {
    await open('view=tree&fixture=tree-500&unfolded=tree-500-open');
    const jobs = page.getByRole('treeitem', { name: /^supervisor jobs;/ });
    await expect(jobs.textContent()).resolves.toContain('500 children');
    await expect(jobs.getAttribute('aria-expanded')).resolves.toBe('false');
    await shot('tree-500-folded');

    // Timed in the page: from the click to the frame after React drew the 500 nodes.
    const ms = await jobs.locator('.tree-node__toggle').evaluate(
      (toggle) =>
        new Promise<number>((resolve) => {
          const t0 = performance.now();
          toggle.dispatchEvent(new MouseEvent('click', { bubbles: true }));
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
        }),
    );
    await page.locator('.tree-view__group').waitFor({ state: 'attached' });
    console.log(`Unfolding 500 children: ${ms.toFixed(0)} ms to the next frame`);
    expect((await harness()).toggled).toHaveLength(1);
    const fitted = await page.locator('.tree-node').count();
    await shot('tree-500-open-fitted');

    // Zoom in on the middle: far fewer nodes are drawn than exist.
    for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Zoom in' }).click();
    const zoomed = await page.locator('.tree-node').count();
    console.log(`Nodes drawn for 501: ${fitted} fitted, ${zoomed} zoomed in`);
    expect(zoomed).toBeLessThan(120);
    expect(zoomed).toBeGreaterThan(0);
    await shot('tree-500-open-zoomed');

    // Drag to pan, then Fit brings everything back.
    const box = (await page.locator('.tree-view__svg').boundingBox())!;
    const before = await page.locator('.tree-view__svg > g').getAttribute('transform');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 150, box.y + box.height / 2 - 200, { steps: 5 });
    await page.mouse.up();
    const after = await page.locator('.tree-view__svg > g').getAttribute('transform');
    expect(after).not.toBe(before);
    expect((await harness()).selected).toEqual([]);
    await page.getByRole('button', { name: 'Fit' }).click();
    await expect(page.locator('.tree-node').count()).resolves.toBe(fitted);
  });

  it('folds and unfolds by itself when nobody handles onToggle, as in a cell output', async () => {
    await open('view=tree&fixture=tree-500&selffold', { mode: 'cell' });
    const jobs = page.getByRole('treeitem', { name: /^supervisor jobs;/ });
    await jobs.locator('.tree-node__toggle').click();
    await page.locator('.tree-view__group').waitFor({ state: 'attached' });
    await expect(jobs.getAttribute('aria-expanded')).resolves.toBe('true');
    await shot('tree-500-cell-unfolded');
    await jobs.locator('.tree-node__toggle').click();
    await expect(page.locator('.tree-node').count()).resolves.toBe(2);
    expect((await harness()).toggled).toEqual([]);
  });

  it('draws a compact tree as a cell output (light and dark)', async () => {
    await open('view=tree&fixture=tree-three', { mode: 'cell' });
    await shot('tree-three-cell-light');
    await open('view=tree&fixture=tree-mixed', { mode: 'cell', theme: 'dark' });
    await shot('tree-mixed-cell-dark');
  });
});

describe('sequence trace drawing', () => {
  it('draws sends down to receives, queued messages pending, and the payload on hover', async () => {
    await open('view=seq&fixture=seq-conversation');
    const list = page.locator('.seq-view__svg');
    await toBottom();
    await expect(list.locator('.seq-item__queued').count()).resolves.toBe(3);
    await expect(list.locator('.seq-item--lost').count()).resolves.toBe(1);
    await expect(list.locator('.seq-item--dropped').count()).resolves.toBe(1);
    await expect(list.locator('.seq-item--self').count()).resolves.toBe(1);
    await shot('seq-conversation-light-end');
    await page.locator('.seq-view__scroll').evaluate((el) => el.scrollTo({ top: 0 }));
    await nextFrame();
    await shot('seq-conversation-light');

    const call = list.getByRole('listitem', { name: /^CALL from .* to .*\(counter\), received$/ });
    await call.first().locator('.seq-item__hit').hover({ force: true });
    const card = page.getByRole('tooltip');
    await expect(card.textContent()).resolves.toMatch(/\['\$gen_call', \[#PID<0\.\d+\.0>/);
    expect((await harness()).hovered.at(-1)).toEqual(expect.any(Number));
    await shot('seq-conversation-hover');

    await page.getByRole('button', { name: 'slowpoke', exact: true }).click();
    expect((await harness()).participants).toHaveLength(1);
  });

  for (const look of [
    { theme: 'dark' },
    { projector: true },
    { projector: true, theme: 'dark' },
  ] as Look[]) {
    const name = `${look.projector ? 'projector' : '1366'}-${look.theme ?? 'light'}`;
    it(`stays legible (${name})`, async () => {
      await open('view=seq&fixture=seq-conversation', look);
      await shot(`seq-conversation-${name}`);
      await toBottom();
      await expect(page.locator('.seq-item__queued').count()).resolves.toBe(3);
      await shot(`seq-conversation-${name}-end`);
    });
  }

  it('draws only the rows in view of a 2000-item trace, and follows the newest when live', async () => {
    await open('view=seq&fixture=seq-pingpong&live');
    const scroller = page.locator('.seq-view__scroll');
    const state = () =>
      scroller.evaluate((el) => ({
        top: el.scrollTop,
        bottom: el.scrollHeight - el.clientHeight,
        drawn: el.querySelectorAll('.seq-item').length,
      }));
    const atEnd = await state();
    expect(atEnd.top).toBeGreaterThan(0);
    expect(Math.abs(atEnd.top - atEnd.bottom)).toBeLessThanOrEqual(1);
    expect(atEnd.drawn).toBeLessThan(120);
    await shot('seq-pingpong-live-end');

    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }));
    await page.waitForFunction(() => {
      const el = document.querySelector('.seq-view__scroll')!;
      return [...el.querySelectorAll('.seq-item')].length > 0 && el.scrollTop > 0;
    });
    const middle = await state();
    expect(middle.drawn).toBeGreaterThan(10);
    expect(middle.drawn).toBeLessThan(120);
    await shot('seq-pingpong-middle');

    // Frames while scrolling 400 px at a time, timed in the page.
    const frames = await scroller.evaluate(async (el) => {
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t0 = performance.now();
        el.scrollTop -= 400;
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        times.push(performance.now() - t0);
      }
      return times.sort((x, y) => x - y);
    });
    console.log(
      `Scrolling a 2000-item trace (${atEnd.drawn} items drawn): median ${frames[15]!.toFixed(0)} ms, worst ${frames.at(-1)!.toFixed(0)} ms a frame`,
    );
  });

  it('draws a compact trace as a cell output (light and dark)', async () => {
    await open('view=seq&fixture=seq-conversation', { mode: 'cell' });
    await shot('seq-conversation-cell-light');
    await open('view=seq&fixture=seq-conversation', { mode: 'cell', theme: 'dark' });
    await shot('seq-conversation-cell-dark');
  });
});
