/**
 * Live views (`View.start`) on a chapter page, for real: the static build, its runtime worker and
 * esbuild-wasm in headless Chromium. A click on a view's button reaches the view process and the
 * page shows the new render; markup in a view's assigns stays text; a crash remounts the view.
 * Screenshots at 1280x800, light and dark, and at projector size go to test-results/browser/.
 */
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { SCREENSHOTS, chromiumForFile, watchPageErrors } from './browserSession';
import { cellOutput, cellRegion, runCellCode } from './cellDriver';

const siteUrl = inject('siteUrl');

let page: Page;
let pageErrors: string[];
let dialogs: string[];

const browser = chromiumForFile();

afterEach(async () => {
  await page?.close();
  expect(pageErrors).toEqual([]);
  expect(dialogs).toEqual([]);
});

async function openChapter(colorScheme: 'light' | 'dark' = 'light', projector = false) {
  page = await browser().newPage({
    viewport: projector ? { width: 1920, height: 1080 } : { width: 1280, height: 800 },
    deviceScaleFactor: projector ? 1.5 : 1,
    colorScheme,
  });
  page.setDefaultTimeout(20_000);
  pageErrors = watchPageErrors(page);
  dialogs = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${siteUrl}chapters/start`);
  await page.getByRole('status').getByText('Runtime ready').waitFor();
}

const cell = (n: number) => cellRegion(page, n);
const output = (n: number) => cellOutput(page, n);
const run = (n: number, code: string) => runCellCode(page, n, code);

const DOWNLOADS = `const h = View.h;
const Downloads = {
  name: 'Downloads',
  mount(_params, socket) {
    socket = View.assign(socket, { clicks: 0 });
    return View.stream(socket, 'jobs', [
      { id: 1, url: 'fast.example/index', state: 'ok', note: '12 kB in 40 ms' },
      { id: 2, url: 'slow.example/big', state: 'loading', note: 'waiting...' },
      { id: 3, url: 'down.example/', state: 'failed', note: 'econnrefused' },
    ]);
  },
  handleEvent(event, _payload, socket) {
    if (event === 'boom') throw new Error('the view broke');
    return View.assign(socket, { clicks: socket.assigns.clicks + 1 });
  },
  render(a) {
    return h('div', {},
      h('h3', {}, 'Three downloads'),
      h('ul', {}, a.streams.jobs.map(([dom, job]) =>
        h('li', { key: dom }, h('code', {}, job.url), ' ',
          h('strong', { style: { color: job.state === 'failed' ? '#b3261e' : job.state === 'ok' ? '#2e7d32' : '#8a6d00' } }, job.state),
          ' ', h('small', {}, job.note)))),
      h('p', {}, 'Refreshed ', h('strong', { class: 'count' }, a.clicks), ' times'),
      h('button', { onClick: 'refresh' }, 'Refresh'),
      h('button', { onClick: 'boom' }, 'Crash the view'));
  },
};
const v = View.start(Downloads);`;

describe('live views on a chapter page', { timeout: 90_000 }, () => {
  for (const [scheme, projector] of [
    ['light', false],
    ['dark', false],
    ['light', true],
  ] as const) {
    const look = `${scheme}${projector ? ', projector' : ''}`;
    it(`a click reaches the view process and the page shows its new render (${look})`, async () => {
      await openChapter(scheme, projector);
      await run(1, DOWNLOADS);
      const view = output(1).locator('.viz-view');
      const count = view.locator('strong.count');
      await expect(count.textContent()).resolves.toBe('0');
      await view.getByRole('button', { name: 'Refresh' }).click();
      await view.locator('strong.count', { hasText: '1' }).waitFor();
      await view.getByRole('button', { name: 'Refresh' }).click();
      await view.locator('strong.count', { hasText: '2' }).waitFor();
      // Two clicks: the full tree, then two patches.
      await expect(view.getAttribute('data-version')).resolves.toBe('3');
      await expect(view.locator('li').allTextContents()).resolves.toEqual([
        'fast.example/index ok 12 kB in 40 ms',
        'slow.example/big loading waiting...',
        'down.example/ failed econnrefused',
      ]);
      await cell(1).scrollIntoViewIfNeeded();
      const name = `view-${scheme}${projector ? '-projector' : ''}`;
      await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
    });
  }

  it('a crash remounts the view with fresh state and the cell says so', async () => {
    await openChapter();
    await run(1, DOWNLOADS);
    const view = output(1).locator('.viz-view');
    await view.getByRole('button', { name: 'Refresh' }).click();
    await view.locator('strong.count', { hasText: '1' }).waitFor();
    await view.getByRole('button', { name: 'Crash the view' }).click();
    await output(1)
      .getByText(/View Downloads crashed: Error: the view broke; remounted with fresh state/)
      .waitFor();
    await view.locator('strong.count', { hasText: '0' }).waitFor();
    await view.getByRole('button', { name: 'Refresh' }).click();
    await view.locator('strong.count', { hasText: '1' }).waitFor();
  });

  it('a stopped view loses its live badge and its controls, and keeps its last render', async () => {
    await openChapter();
    await run(1, DOWNLOADS);
    const view = output(1).locator('.viz-view');
    const refresh = view.getByRole('button', { name: 'Refresh' });
    await refresh.click();
    await view.locator('strong.count', { hasText: '1' }).waitFor();
    await expect(view.locator('.viz-badge').textContent()).resolves.toBe('live');
    await run(2, `Process.exit(View.pid(v), 'shutdown');`);
    await view.getByText(/The view stopped/).waitFor();
    await expect(view.locator('.viz-badge').count()).resolves.toBe(0);
    await expect(refresh.isDisabled()).resolves.toBe(true);
    await expect(view.locator('strong.count').textContent()).resolves.toBe('1');
    await view.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/view-stopped.png` });
  });

  it('markup in assigns renders as text: no img element, no script run', async () => {
    await openChapter();
    await run(
      1,
      `const Hello = {
        mount: (_p, s) => View.assign(s, { name: '<img src=x onerror=alert(1)>' }),
        render: (a) => View.h('p', { class: 'greeting' }, 'Hello ', a.name, View.h('button', { onClick: 'x' }, '<b>bold?</b>')),
      };
      View.start(Hello);`,
    );
    const greeting = output(1).locator('.viz-view p.greeting');
    await greeting.waitFor();
    await expect(greeting.textContent()).resolves.toBe(
      'Hello <img src=x onerror=alert(1)><b>bold?</b>',
    );
    expect(await output(1).locator('.viz-view img').count()).toBe(0);
    expect(await output(1).locator('.viz-view b').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
  });
});
