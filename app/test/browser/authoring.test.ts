/**
 * Chapters from a file, as a learner and an instructor use them on the static build: export a
 * chapter with edits and import it again, import a malformed file, drop a file on the page,
 * check an imported chapter in the browser, and the replace / keep both choice.
 */
import { readFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { SCREENSHOTS, chromiumForFile, watchPageErrors } from './browserSession';
import { cellCode, cellFinished, cellRegion, replaceCellCode } from './cellDriver';

const siteUrl = inject('siteUrl');
const browser = chromiumForFile();

let context: BrowserContext;
let page: Page;
let pageErrors: string[];

afterEach(async () => {
  await context.close();
  expect(pageErrors).toEqual([]);
});

type Screen = { width: number; height: number; scale: number; dark: boolean; projector: boolean };
const LAPTOP: Screen = { width: 1366, height: 768, scale: 1, dark: false, projector: false };
const PROJECTOR_DARK: Screen = {
  width: 1920,
  height: 1080,
  scale: 1.5,
  dark: true,
  projector: true,
};

/** A fresh browser profile (empty storage) with one page. */
async function openPage(screen: Screen = LAPTOP): Promise<Page> {
  context = await browser().newContext({
    viewport: { width: screen.width, height: screen.height },
    deviceScaleFactor: screen.scale,
    acceptDownloads: true,
  });
  await context.addInitScript(
    ({ dark, projector }) => {
      if (sessionStorage.getItem('actorbook-test:themed')) return;
      sessionStorage.setItem('actorbook-test:themed', '1');
      localStorage.setItem('actorbook:theme', dark ? 'dark' : 'light');
      if (projector) localStorage.setItem('actorbook:projector', '1');
    },
    { dark: screen.dark, projector: screen.projector },
  );
  page = await context.newPage();
  page.setDefaultTimeout(40_000);
  pageErrors = watchPageErrors(page);
  return page;
}

const SCREENS = [
  [LAPTOP, 'laptop'],
  [PROJECTOR_DARK, 'projector-dark'],
] as const;

/** Runs `body` on a fresh page on each screen (for the screenshots), each free of page errors. */
async function onEachScreen(body: (name: string) => Promise<void>): Promise<void> {
  for (const [index, [screen, name]] of SCREENS.entries()) {
    await openPage(screen);
    await body(name);
    if (index < SCREENS.length - 1) {
      expect(pageErrors).toEqual([]);
      await context.close(); // the last page is closed (and checked) by afterEach
    }
  }
}

/** Imports a file through the picker on the home page. */
async function importThroughPicker(name: string, text: string): Promise<void> {
  await page.getByLabel('Chapter file to import').setInputFiles({
    name,
    mimeType: 'text/markdown',
    buffer: Buffer.from(text),
  });
}

const FRONT = (title: string) => `---\ntitle: ${title}\npart: 1\norder: 1\n---\n\n# ${title}\n\n`;

/** An instructor's chapter: one cell meets its expectation, one does not. */
const CHECKED_CHAPTER =
  FRONT('Counting') +
  'A cell that adds ([back to the top](#counting)).\n\n```ts id=sum\n1 + 2\n```\n\n```expect\nvalue: 3\n```\n\n' +
  "A cell whose expectation is wrong.\n\n```ts\nIO.puts('two')\n```\n\n```expect\nstdout: three\n```\n";

/** A file with located problems: a bad front matter value and an unknown expectation key. */
const MALFORMED_CHAPTER =
  '---\ntitle: Broken\npart: one\norder: 1\n---\n\n# Broken\n\nStill readable prose.\n\n' +
  '```ts\n40 + 2\n```\n\n```expect\nvalu: 42\n```\n';

describe('chapters from a file', { timeout: 240_000 }, () => {
  it('exports a chapter with an edit and imports it again: the edit is there and runs', async () => {
    await openPage();
    await page.goto(`${siteUrl}chapters/start`);
    await page.getByRole('status').getByText('Runtime ready').waitFor();
    const edited =
      'const greeter = spawn(async () => {\n  const [from, name] = await receive();\n' +
      '  send(from, `hello, ${name}`);\n});\n\nsend(greeter, [self(), "Grace"]);\nawait receive()';
    await replaceCellCode(page, 1, edited);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export .md' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('00-start.md');
    const exported = await readFile((await download.path())!, 'utf8');
    expect(exported.startsWith('---\ntitle: Start here\npart: 0\norder: 0\n---\n')).toBe(true);
    expect(exported).toContain('send(greeter, [self(), "Grace"]);');
    // The edited cell's old line is gone; other cells that have it keep it.
    const original = await readFile('chapters/00-start.md', 'utf8');
    const adas = (text: string) => text.split("send(greeter, [self(), 'Ada']);").length - 1;
    expect(adas(exported)).toBe(adas(original) - 1);
    expect(exported).toContain("```expect\nvalue: 'hello, Ada'\n```"); // expect blocks are kept

    await page.goto(siteUrl);
    await importThroughPicker('00-start.md', exported);
    await page.waitForURL(/\/yours\/\?id=start$/);
    await page.getByRole('heading', { level: 1, name: 'Start here' }).waitFor();
    expect(await cellCode(page, 1)).toContain('send(greeter, [self(), "Grace"]);');
    await page.getByRole('status').getByText('Runtime ready').waitFor();
    await cellRegion(page, 1).getByRole('button', { name: 'Run cell 1' }).click();
    await cellFinished(page, 1);
    await cellRegion(page, 1).getByText("'hello, Grace'").waitFor();

    // Edits to the imported chapter autosave like any chapter's and survive a reload.
    await replaceCellCode(page, 1, "'edited after import'");
    await page.waitForTimeout(600); // the autosave's debounce
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Start here' }).waitFor();
    expect(await cellCode(page, 1)).toBe("'edited after import'");

    await page.goto(siteUrl);
    const yours = page.getByRole('region', { name: 'Your chapters' });
    await yours.getByRole('link', { name: 'Start here' }).waitFor();
    await yours.getByText('00-start.md · imported').waitFor();
  });

  it('shows a malformed file with its located problems and the part that parsed', async () => {
    await onEachScreen(async (name) => {
      await page.goto(siteUrl);
      await importThroughPicker('broken.md', MALFORMED_CHAPTER);
      await page.waitForURL(/\/yours\/\?id=broken$/);
      const problems = page.getByRole('alert', { name: 'Problems in broken.md' });
      await problems
        .getByText('broken.md has 2 problems; what could be read is shown below')
        .waitFor();
      const items = await problems.getByRole('listitem').allInnerTexts();
      expect(items).toHaveLength(2);
      // Each problem: where, what is wrong, and the line itself.
      expect(items[0]).toMatch(
        /^line 3, column 1 front matter: part must be a whole number \(0 or more\)\s+part: one$/,
      );
      expect(items[1]).toMatch(/^line 16, column 1 unknown expectation "valu"[^]*\s+valu: 42$/);
      await page.getByText('Still readable prose.').waitFor();
      expect(await cellCode(page, 1)).toBe('40 + 2');
      await page.screenshot({ path: `${SCREENSHOTS}/authoring-import-errors-${name}.png` });
    });
  });

  it('renders a hostile file through the sanitising Markdown: its script never runs', async () => {
    await openPage();
    await page.goto(siteUrl);
    const hostile =
      FRONT('Hostile') +
      'Plain words.\n\n<script>window.__pwned = "script"</script>\n\n' +
      '<img src="x" onerror="window.__pwned = \'onerror\'">\n\n' +
      '[a link](javascript:window.__pwned=1)\n\n<iframe src="javascript:parent.__pwned=1"></iframe>\n';
    await importThroughPicker('hostile.md', hostile);
    await page.waitForURL(/\?id=hostile$/);
    await page.getByText('Plain words.').waitFor();
    await page.waitForTimeout(500); // an image's onerror would have fired by now
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    const prose = page.locator('.chapter__body');
    expect(await prose.locator('script, iframe, [onerror]').count()).toBe(0);
    expect(await prose.getByText('a link').getAttribute('href')).toBeNull();
  });

  it('imports a chapter file dropped anywhere on the page', async () => {
    await openPage();
    await page.goto(`${siteUrl}chapters/start`);
    const dataTransfer = await page.evaluateHandle((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'dropped-in.md', { type: 'text/markdown' }));
      return data;
    }, CHECKED_CHAPTER);
    await page.dispatchEvent('main', 'dragenter', { dataTransfer });
    await page.getByText('Drop a chapter file (.md) to open it here').waitFor();
    await page.dispatchEvent('main', 'drop', { dataTransfer });
    await page.waitForURL(/\/yours\/\?id=dropped-in$/);
    await page.getByRole('heading', { level: 1, name: 'Counting' }).waitFor();
    expect(await page.getByText('Drop a chapter file (.md) to open it here').count()).toBe(0);
    // Its #section links point into its own page and are followed in place.
    const top = page.getByRole('link', { name: 'back to the top' });
    expect(await top.getAttribute('href')).toBe('yours/?id=dropped-in#counting');
    await top.click();
    await page.waitForURL(/\/yours\/\?id=dropped-in#counting$/);
    await page.getByRole('heading', { level: 1, name: 'Counting' }).waitFor();
  });

  it('checks an imported chapter in the browser: a failing expectation and a passing one', async () => {
    await onEachScreen(async (name) => {
      await page.goto(siteUrl);
      await importThroughPicker('counting.md', CHECKED_CHAPTER);
      await page.waitForURL(/\/yours\/\?id=counting$/);
      await page.getByRole('button', { name: 'Check chapter' }).click();
      const summary = page.getByRole('status', { name: 'Chapter check' });
      await summary.waitFor({ timeout: 90_000 });
      expect(await summary.innerText()).toBe('1 of 2 cells fails the chapter check; 1 pass.');

      const passed = page.locator('.cell-check--passed');
      const failed = page.locator('.cell-check--failed');
      expect(await passed.count()).toBe(1);
      expect(await failed.count()).toBe(1);
      // Each note stands right after its cell.
      expect(await cellRegion(page, 1).evaluate((cell) => cell.nextElementSibling?.className)).toBe(
        'cell-check cell-check--passed',
      );
      expect(await cellRegion(page, 2).evaluate((cell) => cell.nextElementSibling?.className)).toBe(
        'cell-check cell-check--failed',
      );
      const failure = await failed.innerText();
      expect(failure).toContain('line 26, stdout');
      expect(failure).toContain('expected: "three"');
      expect(failure).toContain('actual: "two\\n"');
      await page.screenshot({ path: `${SCREENSHOTS}/authoring-check-${name}.png` });
      await failed.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SCREENSHOTS}/authoring-check-failure-${name}.png` });
    });
  });

  it('asks replace or keep both for a file it already has, and removes a chapter after a confirmation', async () => {
    await onEachScreen(async (name) => {
      await page.goto(siteUrl);
      await importThroughPicker('counting.md', CHECKED_CHAPTER);
      await page.waitForURL(/\?id=counting$/);
      await page.goto(siteUrl);
      await importThroughPicker('counting.md', CHECKED_CHAPTER);
      const dialog = page.getByRole('dialog', { name: 'You already have this chapter' });
      await dialog.getByText('counting.md is “Counting”, like your chapter “Counting”').waitFor();
      await dialog.getByRole('button', { name: 'Keep both' }).click();
      await page.waitForURL(/\?id=counting-2$/);
      await page.goto(siteUrl);
      const yours = page.getByRole('region', { name: 'Your chapters' });
      await yours.getByRole('link', { name: 'Counting (2)' }).waitFor();
      await importThroughPicker('counting.md', MALFORMED_CHAPTER.replaceAll('Broken', 'Counting'));
      await dialog.getByRole('button', { name: 'Replace it' }).click();
      await page.waitForURL(/\?id=counting$/);
      await page.getByText('Still readable prose.').waitFor();

      await page.goto(siteUrl);
      await expect.poll(() => yours.getByRole('listitem').count()).toBe(2);
      await yours.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SCREENSHOTS}/authoring-your-chapters-${name}.png` });
      await yours.getByRole('button', { name: 'Remove Counting (2)…' }).click();
      await yours
        .getByRole('group', { name: 'Confirm removal' })
        .getByRole('button', { name: 'Remove' })
        .click();
      await expect.poll(() => yours.getByRole('listitem').count()).toBe(1);
      await page.reload();
      await yours.getByRole('link', { name: 'Counting', exact: true }).waitFor();
      expect(await yours.getByRole('listitem').allInnerTexts()).toEqual([
        expect.stringContaining('counting.md · imported'),
      ]);
    });
  });
});
