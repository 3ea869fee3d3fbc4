/**
 * The notebook as a learner uses it, in the real static build: edit a cell and find the edit
 * after a reload, run all, reset a cell, follow a link to a cell, come back to a chapter, and
 * what happens when the browser's storage is corrupt or full. Screenshots of a chapter with its
 * cells run go to test-results/browser/ (1366x768 light and dark, and projector scale).
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { cellCode, focusCellEditor, replaceCellCode } from './cellDriver';
import { SCREENSHOTS, chromiumForFile, watchPageErrors } from './browserSession';

const siteUrl = inject('siteUrl');
const CHAPTER = `${siteUrl}chapters/start`;
const STORAGE_KEY = 'actorbook:chapter:start';
/** How long the page may take to show something on a busy machine. */
const UI_WAIT = { timeout: 15_000 };

let context: BrowserContext | null = null;
let page: Page;
let pageErrors: string[];

const browser = chromiumForFile();

afterEach(async () => {
  await context?.close();
  context = null;
  expect(pageErrors).toEqual([]);
});

/** A fresh browser profile (empty storage) with one page, optionally themed or projecting. */
async function openPage(
  options: {
    width?: number;
    height?: number;
    scale?: number;
    theme?: 'light' | 'dark';
    projector?: boolean;
    initScript?: () => void;
  } = {},
) {
  context = await browser().newContext({
    viewport: { width: options.width ?? 1366, height: options.height ?? 768 },
    deviceScaleFactor: options.scale ?? 1,
  });
  const { theme = 'light', projector = false } = options;
  await context.addInitScript(
    ({ theme, projector }) => {
      localStorage.setItem('actorbook:theme', theme);
      if (projector) localStorage.setItem('actorbook:projector', '1');
    },
    { theme, projector },
  );
  if (options.initScript) await context.addInitScript(options.initScript);
  page = await context.newPage();
  page.setDefaultTimeout(40_000);
  pageErrors = watchPageErrors(page);
  return page;
}

async function openChapter(url = CHAPTER) {
  await page.goto(url);
  await page.getByRole('status').getByText('Runtime ready').waitFor();
}

const cell = (n: number) => page.getByRole('region', { name: `Cell ${n}`, exact: true });

const codeOf = (n: number) => cellCode(page, n);
const focusEditor = (n: number) => focusCellEditor(page, n);
const typeCode = (n: number, code: string) => replaceCellCode(page, n, code);

const stored = () => page.evaluate((key) => localStorage.getItem(key), STORAGE_KEY);

/** Waits until no cell is queued or running and every cell shows how its run ended. */
async function allCellsFinished() {
  await page.waitForFunction(
    () => {
      const cells = [...document.querySelectorAll('.cell')];
      return (
        cells.length > 0 &&
        cells.every(
          (c) => c.getAttribute('data-phase') === 'idle' && c.hasAttribute('data-outcome'),
        )
      );
    },
    null,
    { timeout: 60_000 },
  );
}

// Each test starts a runtime, the compiler and the editor in a fresh profile: give them room on
// a busy machine.
const SLOW = { timeout: 120_000 };

describe('the notebook on a chapter page', SLOW, () => {
  it('saves an edit within a second and shows it again after a reload', async () => {
    await openPage();
    await openChapter();
    await typeCode(2, 'const editedBefore = 1;');
    await cell(2).getByText('edited', { exact: true }).waitFor();
    await expect.poll(stored, { timeout: 1000, interval: 50 }).toContain('const editedBefore = 1;');

    await page.reload();
    await page.getByRole('status').getByText('Runtime ready').waitFor();
    await expect.poll(() => codeOf(2), UI_WAIT).toContain('const editedBefore = 1;');
    await expect(cell(2).getByText('edited', { exact: true }).isVisible()).resolves.toBe(true);
  });

  it('runs every cell with Run all, in order, and shows each result and the progress', async () => {
    await openPage();
    await openChapter();
    const count = await page.locator('.cell').count();
    await page.getByRole('button', { name: 'Run all', exact: true }).click();
    await allCellsFinished();

    const states = await page
      .locator('.cell .cell__time')
      .allTextContents()
      .then((texts) => texts.filter((text) => /^(Ran in|Failed after) [\d.]+ ms$/.test(text)));
    expect(
      states,
      (await page.locator('.cell .cell__time').allTextContents()).join(' | '),
    ).toHaveLength(count);
    const ok = await page.locator('.cell[data-outcome="ok"]').count();
    expect(ok).toBeGreaterThan(0);
    await page.getByText(`${ok} of ${count} cells run`).waitFor();

    await page.screenshot({ path: `${SCREENSHOTS}/notebook-run-all-top.png` });
    await cell(2).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/notebook-run-all.png` });

    // Changing the cell that declares `greeter` puts in doubt what cell 2 computed from it.
    await focusEditor(1);
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.insertText(' // changed');
    await cell(1).getByText('Edited since it ran').waitFor();
    await cell(2).getByText('Cell 1 changed since this ran').waitFor();
    await cell(1).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/notebook-stale.png` });
  });

  it('moves to the next cell after Shift+Enter and runs the cell it left', async () => {
    await openPage();
    await openChapter();
    await typeCode(2, '6 * 7');
    await page.keyboard.press('Shift+Enter');
    await cell(2).locator('.cell-output').getByText('42', { exact: true }).waitFor();
    await expect
      .poll(
        () =>
          page.evaluate(() => document.activeElement?.closest('.cell')?.getAttribute('aria-label')),
        UI_WAIT,
      )
      .toBe('Cell 3');
  });

  it('resets an edited cell to the chapter’s code', async () => {
    await openPage();
    await openChapter();
    const original = await codeOf(1);
    await typeCode(1, 'const mine = 1;');
    await expect.poll(() => codeOf(1), UI_WAIT).toContain('const mine = 1;');

    await cell(1).getByRole('button', { name: "Reset cell 1 to the chapter's code" }).click();
    await expect.poll(() => codeOf(1), UI_WAIT).toBe(original);
    await expect(cell(1).getByText('edited', { exact: true }).count()).resolves.toBe(0);
    await expect.poll(stored, { timeout: 1000, interval: 50 }).toBeNull();
  });

  it('resets the whole chapter after a confirmation', async () => {
    await openPage();
    await openChapter();
    const originals = [await codeOf(1), await codeOf(2)];
    await typeCode(1, 'const first = 1;');
    await typeCode(2, 'const second = 2;');
    await expect.poll(stored, UI_WAIT).toContain('const second = 2;');

    await page.getByRole('button', { name: 'Reset chapter…' }).click();
    const confirm = page.getByRole('group', { name: 'Confirm reset' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => codeOf(1), UI_WAIT).toContain('const first = 1;');

    await page.getByRole('button', { name: 'Reset chapter…' }).click();
    await confirm.getByRole('button', { name: 'Reset chapter' }).click();
    await expect.poll(() => codeOf(1), UI_WAIT).toBe(originals[0]);
    await expect.poll(() => codeOf(2), UI_WAIT).toBe(originals[1]);
    await expect.poll(stored, UI_WAIT).toBeNull();
  });

  it('scrolls a cell named in the address into view', async () => {
    await openPage();
    const target = page.locator('#cell-fresh');
    await openChapter(`${CHAPTER}#cell-fresh`);
    await expect
      .poll(
        () =>
          target.evaluate((element) => {
            const box = element.getBoundingClientRect();
            return box.top >= 0 && box.top < window.innerHeight && window.scrollY > 0;
          }),
        UI_WAIT,
      )
      .toBe(true);
    const href = await target
      .getByRole('link', { name: /^Link to cell \d+$/ })
      .getAttribute('href');
    expect(href).toMatch(/\/chapters\/start#cell-fresh$/);
  });

  it('keeps edits and results after leaving the chapter, says the runtime is new, and shows progress in the contents', async () => {
    await openPage();
    await openChapter();
    await typeCode(2, 'const stillHere = 40 + 2;\nstillHere');
    await cell(2).getByRole('button', { name: 'Run cell 2', exact: true }).click();
    await cell(2).locator('.cell-output').getByText('42', { exact: true }).waitFor();

    await page.getByRole('link', { name: 'All chapters' }).click();
    const entry = page.getByRole('navigation', { name: 'Chapters' }).getByRole('listitem').first();
    await entry.getByRole('progressbar').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/notebook-contents-progress.png` });
    await entry.getByRole('link').first().click();

    await page.getByText(/A fresh runtime started for this chapter/).waitFor();
    await cell(2).getByText('From an earlier runtime', { exact: false }).waitFor();
    await expect(cell(2).locator('.cell-output').textContent()).resolves.toContain('42');
    await expect.poll(() => codeOf(2), UI_WAIT).toContain('const stillHere = 40 + 2;');
  });

  it('opens with the chapter’s code and a message when the saved data is corrupt', async () => {
    await openPage();
    await openChapter();
    await page.evaluate((key) => localStorage.setItem(key, '{"version":1,"edits":'), STORAGE_KEY);
    await page.reload();

    await page
      .getByRole('alert')
      .getByText(/could not be read/)
      .waitFor();
    await cell(1).waitFor();
    const backups = await page.evaluate(() =>
      Object.keys(localStorage).filter((key) => key.startsWith('actorbook:backup:start:')),
    );
    expect(backups).toHaveLength(1);
    await expect(page.evaluate((key) => localStorage.getItem(key), backups[0]!)).resolves.toBe(
      '{"version":1,"edits":',
    );
    await page.screenshot({ path: `${SCREENSHOTS}/notebook-corrupt-storage.png` });
  });

  it('keeps edits in the tab and says so while storage is full, then saves them', async () => {
    await openPage({
      initScript: () => {
        const setItem = Storage.prototype.setItem;
        Storage.prototype.setItem = function (key: string, value: string) {
          if (
            (window as { storageFull?: boolean }).storageFull &&
            key.startsWith('actorbook:chapter:')
          ) {
            throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          }
          setItem.call(this, key, value);
        };
      },
    });
    await openChapter();
    await page.evaluate(() => ((window as { storageFull?: boolean }).storageFull = true));
    await typeCode(3, 'const keptInMemory = 1;');

    const alert = page.getByRole('alert').filter({ hasText: /storage in your browser is full/ });
    await alert.waitFor();
    await expect.poll(() => codeOf(3), UI_WAIT).toContain('const keptInMemory = 1;');
    expect(await stored()).toBeNull();

    await page.evaluate(() => ((window as { storageFull?: boolean }).storageFull = false));
    await alert.waitFor({ state: 'detached', timeout: 15_000 });
    expect(await stored()).toContain('keptInMemory');
  });
});

describe('screenshots of a chapter with its cells run', SLOW, () => {
  for (const look of [
    { name: 'dark', options: { theme: 'dark' as const } },
    { name: 'projector', options: { width: 1920, height: 1080, scale: 1.5, projector: true } },
  ]) {
    it(`shows run cells legibly (${look.name})`, async () => {
      await openPage(look.options);
      await openChapter();
      await typeCode(2, 'const edited = 1;\nedited + 1');
      await page.getByRole('button', { name: 'Run all', exact: true }).click();
      await allCellsFinished();
      await cell(2).scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SCREENSHOTS}/notebook-${look.name}.png` });
    });
  }
});
