/**
 * Rewind as a learner uses it: run the strategies chapter up to the crash of one_for_one's
 * parser, scrub the timeline back to before the crash (the tree shows the old pid), step forward
 * past the restart (the new pid and its restart mark), press Live; then export the trace and
 * open it again. Every wait polls the page's state. Screenshots go to test-results/browser/.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { SCREENSHOTS, chromiumForFile, watchPageErrors } from './browserSession';
import { cellFinished, clickRun } from './cellDriver';

const siteUrl = inject('siteUrl');
const browser = chromiumForFile();

let page: Page;
let pageErrors: string[];

beforeEach(async () => {
  page = await browser().newPage({ viewport: { width: 1366, height: 768 } });
  page.setDefaultTimeout(30_000);
  pageErrors = watchPageErrors(page);
});

afterEach(async (context) => {
  if (context.task.result?.state === 'fail')
    await page.screenshot({ path: `${SCREENSHOTS}/rewind-failed.png` });
  await page.close();
  expect(pageErrors).toEqual([]);
});

const eventually = <T>(read: () => Promise<T> | T) =>
  expect.poll(read, { timeout: 30_000, interval: 100 });

const dock = () => page.getByRole('complementary', { name: 'Live panels' });
const timeline = () => dock().getByRole('region', { name: 'Rewind timeline' });
const readout = () => timeline().locator('.rewind__readout').textContent();

/**
 * The one_for_one pipeline's parser as the tree shows it: pid and restarts, or null. Just before
 * its crash it is already unregistered, so the tree titles it by its child id, `parser` (the other
 * pipelines' parsers keep their names).
 */
async function parser(): Promise<{ pid: string; restarts: number } | null> {
  const labels = await dock()
    .locator('[role="treeitem"]')
    .evaluateAll((items) => items.map((item) => item.getAttribute('aria-label') ?? ''));
  for (const label of labels) {
    const match =
      /^worker (?:one_for_one\/)?parser; (#PID<0\.\d+\.0>); running(?:; restarted (\d+) times?)?/.exec(
        label,
      );
    if (match) return { pid: match[1]!, restarts: Number(match[2] ?? 0) };
  }
  return null;
}

/** The index of the first timeline mark of `kind` (the marks carry their event's position). */
async function markIndex(kind: 'crash' | 'restart', after = -1): Promise<number> {
  const indexes = await timeline()
    .locator(`.rewind__mark--${kind}`)
    .evaluateAll((marks) => marks.map((mark) => Number(mark.getAttribute('data-index'))));
  const found = indexes.find((index) => index > after);
  if (found === undefined) throw new Error(`no ${kind} mark after ${after}`);
  return found;
}

/** The position of the frame the panels show (set once the worker's frame has arrived). */
const frameIndex = async () => Number(await timeline().getAttribute('data-frame-index'));

const isEqual = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The position the range shows. */
const shownIndex = async () =>
  Number(await timeline().getByRole('slider', { name: 'Moment shown in the panels' }).inputValue());

async function runChapterToTheCrash(): Promise<{ before: string; after: string }> {
  await page.goto(`${siteUrl}chapters/strategies`);
  await page.getByRole('status').getByText('Runtime ready').waitFor();
  await page.getByText(/TypeScript compiler ready/).waitFor({ timeout: 60_000 });
  // Cells 1-3 define the stages and the supervisor, 4 starts the pipelines, 5 jams one parser.
  for (let n = 1; n <= 4; n++) {
    await clickRun(page, n);
    await cellFinished(page, n);
  }
  await eventually(async () => (await parser())?.restarts).toBe(0);
  const before = (await parser())!.pid;
  await clickRun(page, 5);
  await cellFinished(page, 5);
  await eventually(async () => (await parser())?.restarts).toBe(1);
  const after = (await parser())!.pid;
  expect(after).not.toBe(before);
  // The timeline has the crash and the restart (it follows the history a few times a second).
  await eventually(() => timeline().locator('.rewind__mark--crash').count()).toBeGreaterThan(0);
  await eventually(() => timeline().locator('.rewind__mark--restart').count()).toBeGreaterThan(0);
  return { before, after };
}

describe('rewind timeline', { timeout: 240_000 }, () => {
  it('scrubs back to before a crash, steps forward past the restart, and returns to Live', async () => {
    const { before, after } = await runChapterToTheCrash();
    const crash = await markIndex('crash');
    const restart = await markIndex('restart', crash);

    // Click the crash's mark, then one step back: the moment just before the crash.
    await timeline().locator(`.rewind__mark--crash[data-index="${crash}"]`).click();
    await eventually(shownIndex).toBe(crash);
    await timeline()
      .getByRole('button', { name: /Step back/ })
      .click();
    await eventually(shownIndex).toBe(crash - 1);
    await eventually(frameIndex).toBe(crash - 1);
    await eventually(parser).toEqual({ pid: before, restarts: 0 });
    await expect(readout()).resolves.toMatch(
      new RegExp(`^event ${crash.toLocaleString('en-US')} of`),
    );
    expect(
      await timeline()
        .getByRole('button', { name: 'Live', exact: true })
        .getAttribute('aria-pressed'),
    ).toBe('false');
    // While rewound, Kill acts on nothing: it is disabled with the reason.
    await dock().locator('[role="treeitem"][aria-label^="worker parser;"]').click();
    const kill = dock()
      .getByRole('region', { name: /^Process #PID/ })
      .getByRole('button', {
        name: 'Kill',
      });
    await eventually(() => kill.isDisabled()).toBe(true);
    expect(await kill.getAttribute('title')).toMatch(/past moment/);
    // The sequence trace dims what came later.
    await eventually(() => dock().locator('.seq-item.is-later').count()).toBeGreaterThan(0);
    await dock().screenshot({ path: `${SCREENSHOTS}/rewind-before-crash.png` });

    // To the restart's mark, then forward with the '.' key (the slider has focus) until the
    // supervisor has recorded the new child: the restart starts a process, whose init runs next.
    await timeline().locator(`.rewind__mark--restart[data-index="${restart}"]`).click();
    await eventually(frameIndex).toBe(restart);
    expect(await parser()).not.toEqual({ pid: after, restarts: 1 });
    await timeline().getByRole('slider').focus();
    let at = restart;
    while (!isEqual(await parser(), { pid: after, restarts: 1 })) {
      expect(at, 'the restart should show within 50 events of its mark').toBeLessThan(restart + 50);
      await page.keyboard.press('.');
      at += 1;
      await eventually(frameIndex).toBe(at);
    }
    expect(at).toBeGreaterThan(restart);
    await dock().screenshot({ path: `${SCREENSHOTS}/rewind-after-restart.png` });

    // Live: at once, the live tree.
    await timeline().getByRole('button', { name: 'Live', exact: true }).click();
    await eventually(() =>
      timeline().getByRole('button', { name: 'Live', exact: true }).getAttribute('aria-pressed'),
    ).toBe('true');
    await expect(readout()).resolves.toMatch(/^live · /);
    await eventually(parser).toEqual({ pid: after, restarts: 1 });
    await eventually(() => dock().locator('.seq-item.is-later').count()).toBe(0);

    // The ',' key from the page steps back from live to the newest event.
    await page.locator('main h1').first().click();
    await page.keyboard.press(',');
    await eventually(() => timeline().locator('.rewind__readout').textContent()).toMatch(/^event /);
    await timeline().getByRole('button', { name: 'Live', exact: true }).click();
  });

  it('exports the trace and opens it again with the same length; a bad file is refused', async () => {
    await runChapterToTheCrash();
    const live = /^live · ([\d,]+) events/.exec((await readout()) ?? '');
    expect(live).not.toBeNull();
    const events = live![1]!;

    const download = page.waitForEvent('download');
    await timeline().getByRole('button', { name: 'Export trace' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('actorbook-trace-strategies.json');
    const path = await file.path();
    expect(readFileSync(path, 'utf8').length).toBeGreaterThan(100);

    await timeline().locator('input[type="file"]').setInputFiles(path);
    await timeline().getByText('Viewing an imported trace').waitFor();
    await eventually(readout).toMatch(new RegExp(`^event ${events} of ${events} · `));
    await eventually(async () => (await parser())?.restarts).toBe(1);
    await dock().screenshot({ path: `${SCREENSHOTS}/rewind-imported.png` });

    // Live leaves the imported trace.
    await timeline().getByRole('button', { name: 'Live', exact: true }).click();
    await eventually(() => timeline().getByText('Viewing an imported trace').count()).toBe(0);
    await eventually(readout).toMatch(/^live · /);

    // A file that is not a trace: a clear message by the timeline, and nothing else changes.
    await timeline()
      .locator('input[type="file"]')
      .setInputFiles({
        name: 'notes.json',
        mimeType: 'application/json',
        buffer: Buffer.from('{"hello": 1}'),
      });
    await timeline().getByRole('alert').waitFor();
    expect((await timeline().getByRole('alert').textContent())!.length).toBeGreaterThan(10);
    await expect(readout()).resolves.toMatch(/^live · /);
  });

  it('looks right rewound: laptop light and dark, and projector', async () => {
    await runChapterToTheCrash();
    const crash = await markIndex('crash');
    await timeline().locator(`.rewind__mark--crash[data-index="${crash}"]`).click();
    await eventually(shownIndex).toBe(crash);
    await eventually(() => timeline().locator('.rewind__event').count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}/rewind-laptop-light.png` });
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await page.screenshot({ path: `${SCREENSHOTS}/rewind-laptop-dark.png` });
    await page.getByRole('button', { name: 'Dark theme' }).click();
    // Projector mode hides the panels; the header's Panels button shows them again.
    await page.getByRole('button', { name: 'Projector' }).click();
    await page.getByRole('button', { name: 'Panels', exact: true }).click();
    await dock().waitFor();
    await eventually(() => timeline().locator('.rewind__readout').count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}/rewind-projector.png` });
  });
});
