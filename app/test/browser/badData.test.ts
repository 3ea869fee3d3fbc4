/**
 * Bad data never blanks the page and never loses anything: garbage under every storage key the
 * app uses, a storage quota that fills up while a learner edits, a malformed chapter, and odd
 * URLs (an encoded script in a slug, a broken escape, a 100 KB fragment). Run against the real
 * static build in headless Chromium.
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { QUOTA_MESSAGE } from '../../persistence/chapterStorage';
import { cellCode, cellFinished, cellOutput, clickRun, replaceCellCode } from './cellDriver';
import { SCREENSHOTS, chromiumForFile, watchPageErrors } from './browserSession';

const siteUrl = inject('siteUrl');

let page: Page;
let pageErrors: string[];

const browser = chromiumForFile();

beforeEach(async () => {
  page = await browser().newPage({ viewport: { width: 1366, height: 768 } });
  page.setDefaultTimeout(20_000);
  pageErrors = watchPageErrors(page);
});

afterEach(async () => {
  await page.close();
  expect(pageErrors).toEqual([]);
});

const title = () => page.locator('main h1').first();
const output = (n: number) => cellOutput(page, n);

/** Everything under `actorbook:` in the page's localStorage. */
const stored = () =>
  page.evaluate(() =>
    Object.fromEntries(
      Object.keys(localStorage)
        .filter((key) => key.startsWith('actorbook:'))
        .map((key) => [key, localStorage.getItem(key)]),
    ),
  );

async function runCell(n: number) {
  await clickRun(page, n);
  await cellFinished(page, n);
}

describe('bad data', { timeout: 120_000 }, () => {
  it('opens the course and a chapter with garbage under every key, keeping the garbage aside', async () => {
    const garbage: Record<string, string> = {
      'actorbook:chapter:start': '{"version":1,"cells":{"greet":',
      'actorbook:chapter:processes': JSON.stringify({ version: 7, cells: 'none', __proto__: 1 }),
      'actorbook:exercises:start': '\u0000\u0001 not json',
      'actorbook:exercises:processes': JSON.stringify({ version: 1, solved: 'all', own: [1] }),
      'actorbook:theme': '"><img src=x onerror="window.__pwned=1">',
      'actorbook:projector': '{"on":true}',
      'actorbook:backup:start:not-a-date': 'x'.repeat(50_000),
    };
    await page.goto(siteUrl);
    await page.evaluate((items) => {
      for (const [key, value] of Object.entries(items)) localStorage.setItem(key, value);
    }, garbage);

    await page.reload();
    await page.getByRole('navigation', { name: 'Chapters' }).getByRole('link').first().waitFor();
    expect(['light', 'dark']).toContain(await page.locator('html').getAttribute('data-theme'));

    await page.goto(`${siteUrl}chapters/start`);
    await title().waitFor();
    const note = page.getByText(/saved edits of this chapter could not be read/);
    await note.waitFor();
    await expect(note.innerText()).resolves.toMatch(/kept aside under "actorbook:backup:start:/);
    await page.getByRole('status').getByText('Runtime ready').waitFor({ timeout: 60_000 });
    await runCell(1);
    await expect(output(1).innerText()).resolves.not.toBe('');

    // Nothing was lost: the unreadable chapter data sits under a backup key, byte for byte.
    const after = await stored();
    const backups = Object.entries(after).filter(
      ([key]) => key.startsWith('actorbook:backup:start:') && !key.endsWith('not-a-date'),
    );
    expect(backups.map(([, value]) => value)).toEqual([garbage['actorbook:chapter:start']]);
    expect(after['actorbook:backup:start:not-a-date']).toBe(
      garbage['actorbook:backup:start:not-a-date'],
    );
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.screenshot({ path: `${SCREENSHOTS}/bad-data-storage.png` });
  });

  it('keeps edits in memory with a clear note while storage is full, and saves them once it frees up', async () => {
    await page.addInitScript(() => {
      const w = window as unknown as { __storageFull: boolean };
      w.__storageFull = false;
      const setItem = Storage.prototype.setItem;
      Storage.prototype.setItem = function (key: string, value: string) {
        if (w.__storageFull)
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        setItem.call(this, key, value);
      };
    });
    await page.goto(`${siteUrl}chapters/start`);
    await page.getByRole('status').getByText('Runtime ready').waitFor({ timeout: 60_000 });
    await page.evaluate(() => {
      (window as unknown as { __storageFull: boolean }).__storageFull = true;
    });

    await replaceCellCode(page, 1, "IO.puts('edited while full')");
    await page.getByText(QUOTA_MESSAGE).waitFor();
    await runCell(1);
    await expect(output(1).innerText()).resolves.toContain('edited while full');
    expect(JSON.stringify(await stored())).not.toContain('edited while full');
    await page.screenshot({ path: `${SCREENSHOTS}/bad-data-quota.png` });

    await page.evaluate(() => {
      (window as unknown as { __storageFull: boolean }).__storageFull = false;
    });
    await expect
      .poll(async () => JSON.stringify(await stored()), { timeout: 20_000 })
      .toContain('edited while full');
    await page.reload();
    await title().waitFor();
    await expect.poll(() => cellCode(page, 1)).toBe("IO.puts('edited while full')");
  });

  it('shows a malformed chapter with its problems instead of a blank page', async () => {
    const broken = [
      '---',
      'title: [never closed',
      'part: eleven',
      '---',
      '',
      'Some prose survives.',
      '',
      '```ts id=twice',
      '1',
      '```',
      '',
      '```ts id=twice',
      '2',
      '```',
      '',
      '```ts id=open',
      'IO.puts("no closing fence")',
    ].join('\n');
    await page.route(/\/assets\/00-start-[\w-]+\.js$/, (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: `export default ${JSON.stringify(broken)};`,
      }),
    );
    await page.goto(`${siteUrl}chapters/start`);
    const problems = page.locator('.chapter-problems');
    await problems.waitFor();
    await expect(problems.innerText()).resolves.toMatch(/needs fixing/);
    await page.getByText('Some prose survives.').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/bad-data-chapter.png` });
  });

  it('answers odd URLs with a page, never a blank one or a script run', async () => {
    const slugScript = encodeURIComponent('<img src=x onerror="window.__pwned=1">');
    await page.goto(`${siteUrl}chapters/${slugScript}`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.getByRole('link', { name: 'Back to the chapters' }).waitFor();

    // A broken escape in the path: static hosts answer 400 themselves; the app, reached by a
    // link in place, shows its own page.
    await page.evaluate(() => {
      history.pushState(null, '', 'chapters/%E0%A4%A');
      dispatchEvent(new PopStateEvent('popstate'));
    });
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();

    await page.goto(`${siteUrl}chapters/start#${'x'.repeat(100_000)}`);
    await title().waitFor();
    await page.goto(`${siteUrl}chapters/start#%E0%A4%A%3Cscript%3E`);
    await title().waitFor();
    await page.goto(`${siteUrl}chapters/start?projector=%3Cscript%3E#cell-${'%'.repeat(20)}`);
    await title().waitFor();
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  });
});
