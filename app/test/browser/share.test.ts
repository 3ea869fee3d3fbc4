/**
 * Share links as people use them, in the real static build: a learner shares a link with edits
 * (exercise attempt included) and a reader opens it in a fresh browser profile; a reader with
 * edits of their own is asked which to keep; damaged, cut-off and hostile links; a browser that
 * refuses the clipboard. Links other than the first are made in Node with the app's own encoder
 * against the chapter file, so each test stands alone. Screenshots of the share dialog and the
 * banner (1366x768, dark, projector 1920x1080 at 1.5x) go to test-results/browser/.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { readChapter } from '../../engine/index';
import { chapterSegments } from '../../markdown/chapterSegments';
import { fingerprint } from '../../persistence/savedChapter';
import type { SharedEdit } from '../../share/shareLink';
import { encodeShare, shareFragment } from '../../share/shareLink';
import { SCREENSHOTS, chromiumForFile, watchPageErrors } from './browserSession';
import { cellCode, cellRegion, replaceCellCode } from './cellDriver';

const siteUrl = inject('siteUrl');
const cleanUrlSiteUrl = inject('cleanUrlSiteUrl');
const previewUrl = inject('previewUrl');
const CHAPTER = `${siteUrl}chapters/start`;
const UI_WAIT = { timeout: 30_000 };
const SLOW = { timeout: 150_000 };

/** The chapter's cells as the page numbers them, read from the same file the build reads. */
const CELLS = chapterSegments(
  readChapter(readFileSync('chapters/00-start.md', 'utf8')).blocks,
).flatMap((segment) => (segment.kind === 'prose' ? [] : [segment]));
const cellAt = (n: number) => CELLS[n - 1]!;
const EXERCISE = CELLS.findIndex((cell) => cell.id === 'greeter') + 1;

/** A share edit of cell `n` with `source`, made against the chapter's code (or `base`). */
const editOf = (n: number, source: string, base = fingerprint(cellAt(n).source)): SharedEdit => ({
  cellId: cellAt(n).id,
  base,
  source,
});

function linkWith(edits: SharedEdit[], chapter = CHAPTER): string {
  const encoded = encodeShare({ slug: 'start', edits });
  if (!encoded.ok) throw new Error('the test link is too big');
  return `${chapter}${shareFragment(encoded.payload)}`;
}

const contexts: BrowserContext[] = [];
let pageErrors: string[] = [];
const browser = chromiumForFile();

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  expect(pageErrors).toEqual([]);
});

/** A fresh browser profile with one page; `ownEdits` are saved in its storage beforehand. */
async function freshPage(
  options: {
    width?: number;
    height?: number;
    scale?: number;
    theme?: 'light' | 'dark';
    projector?: boolean;
    clipboard?: 'granted' | 'refused';
    ownEdits?: Record<number, string>;
  } = {},
): Promise<Page> {
  const context = await browser().newContext({
    viewport: { width: options.width ?? 1366, height: options.height ?? 768 },
    deviceScaleFactor: options.scale ?? 1,
  });
  contexts.push(context);
  if (options.clipboard === 'granted') {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(siteUrl).origin,
    });
  }
  const saved = options.ownEdits
    ? JSON.stringify({
        version: 1,
        edits: Object.fromEntries(
          Object.entries(options.ownEdits).map(([n, source]) => [
            cellAt(Number(n)).id,
            { source, base: fingerprint(cellAt(Number(n)).source) },
          ]),
        ),
        ran: [],
      })
    : null;
  await context.addInitScript(
    ({ theme, projector, saved, refuseClipboard }) => {
      // Only on the first load of the profile: a reload must find what the page saved since.
      if (sessionStorage.getItem('test:seeded')) return;
      sessionStorage.setItem('test:seeded', '1');
      localStorage.setItem('actorbook:theme', theme);
      if (projector) localStorage.setItem('actorbook:projector', '1');
      if (saved) localStorage.setItem('actorbook:chapter:start', saved);
      if (refuseClipboard) {
        Object.defineProperty(navigator.clipboard, 'writeText', {
          value: () =>
            Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')),
        });
      }
    },
    {
      theme: options.theme ?? 'light',
      projector: options.projector ?? false,
      saved,
      refuseClipboard: options.clipboard === 'refused',
    },
  );
  const page = await context.newPage();
  page.setDefaultTimeout(40_000);
  pageErrors = [...pageErrors, ...watchPageErrors(page)];
  return page;
}

async function open(page: Page, url: string) {
  await page.goto(url);
  await page.getByRole('status').getByText('Runtime ready').waitFor();
}

const banner = (page: Page) => page.getByRole('region', { name: 'Edits shared with you' });
const sharedMark = (page: Page, n: number) =>
  cellRegion(page, n).locator('.cell__head').getByText('shared', { exact: true });
const bare = (text: string) => text.replace(/\s+/g, '');
const codeIs = (page: Page, n: number, code: string) =>
  expect.poll(async () => bare(await cellCode(page, n)), UI_WAIT).toBe(bare(code));
const storedKeys = (page: Page) => page.evaluate(() => Object.keys(localStorage));

/** Nothing ran: no cell has a result or output, and the live panels are empty. */
async function nothingRan(page: Page) {
  // Give a wrongly started run the time to show itself.
  await page.waitForTimeout(1500);
  await expect(page.locator('.cell[data-outcome]').count()).resolves.toBe(0);
  await expect(page.locator('.cell-output').allInnerTexts()).resolves.toEqual(
    expect.not.arrayContaining([expect.stringMatching(/\S/)]),
  );
  const dock = page.getByRole('complementary', { name: 'Live panels' });
  await dock.getByText('No processes yet: run a cell.').waitFor();
  await dock.getByText('No messages yet: run a cell.').waitFor();
}

describe('sharing a chapter with edits', SLOW, () => {
  it('copies a link with the edits, and a fresh profile opens it with the edits marked and nothing run', async () => {
    const sender = await freshPage({ clipboard: 'granted' });
    await open(sender, CHAPTER);
    const edits: Record<number, string> = {
      2: "const shout = (text: string) => text.toUpperCase();\nshout('ada')",
      4: "IO.puts('shared from a classmate')",
      [EXERCISE]:
        'const greeter = spawn(async () => {\n  const [from, name] = await receive();\n  send(from, `hello, ${name}`);\n});',
    };
    for (const [n, code] of Object.entries(edits)) await replaceCellCode(sender, Number(n), code);

    await sender.getByRole('button', { name: 'Share…' }).click();
    const dialog = sender.getByRole('dialog', { name: 'Share your edits' });
    await dialog.getByText(`This link carries your code in cells 2, 4 and ${EXERCISE}.`).waitFor();
    await dialog.getByRole('status').getByText('Copied to the clipboard.').waitFor();
    const link = await dialog.getByRole('textbox', { name: /^Link/ }).inputValue();
    expect(link).toMatch(/\/courses\/actorbook\/chapters\/start#share=1\./);
    expect(link.length).toBeLessThan(2000);
    await expect(sender.evaluate(() => navigator.clipboard.readText())).resolves.toBe(link);
    await sender.screenshot({ path: `${SCREENSHOTS}/share-dialog.png` });
    await sender.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    const reader = await freshPage();
    await open(reader, link);
    await banner(reader).getByText(`cells 2, 4 and ${EXERCISE}`).waitFor();
    await banner(reader).getByText('Nothing has run:').waitFor();
    for (const [n, code] of Object.entries(edits)) {
      await codeIs(reader, Number(n), code);
      await sharedMark(reader, Number(n)).waitFor();
    }
    await expect(sharedMark(reader, 1).count()).resolves.toBe(0);
    await expect.poll(() => new URL(reader.url()).hash, UI_WAIT).toBe('');
    await nothingRan(reader);
    await reader.screenshot({ path: `${SCREENSHOTS}/share-banner.png` });

    // The banner's cell numbers lead to the cells.
    await banner(reader)
      .getByRole('link', { name: `cell ${EXERCISE}` })
      .click();
    await expect
      .poll(
        () =>
          cellRegion(reader, EXERCISE).evaluate((element) => {
            const box = element.getBoundingClientRect();
            return box.top >= 0 && box.top < window.innerHeight;
          }),
        UI_WAIT,
      )
      .toBe(true);
    // A jump within the page, not a reload that would forget which cells came with the link.
    await sharedMark(reader, EXERCISE).waitFor();
    await reader.screenshot({ path: `${SCREENSHOTS}/share-cell-marked.png` });

    // The link was dealt with: a reload shows the edits, saved, without asking or marking again.
    await reader.reload();
    await reader.getByRole('status').getByText('Runtime ready').waitFor();
    await codeIs(reader, 2, edits[2]!);
    await cellRegion(reader, 2).getByText('edited', { exact: true }).waitFor();
    await expect(banner(reader).count()).resolves.toBe(0);
    await expect(sharedMark(reader, 2).count()).resolves.toBe(0);
  });

  it('keeps the reader’s own edits when they answer “Keep mine”', async () => {
    const mine = "const mine = 'my own work';";
    const reader = await freshPage({ ownEdits: { 2: mine } });
    const original4 = cellAt(4).source;
    await open(reader, linkWith([editOf(2, "const theirs = 'shared';"), editOf(4, '40 + 2')]));
    const question = reader.getByRole('group', { name: 'Your edits or the shared ones' });
    await banner(reader).getByText('You have your own edits in cell 2').waitFor();
    await codeIs(reader, 2, mine);
    await codeIs(reader, 4, original4);
    await reader.screenshot({ path: `${SCREENSHOTS}/share-conflict.png` });

    await question.getByRole('button', { name: 'Keep mine' }).click();
    await banner(reader).getByText('Your edits are kept.').waitFor();
    await codeIs(reader, 2, mine);
    await codeIs(reader, 4, original4);
    await expect(sharedMark(reader, 4).count()).resolves.toBe(0);
    expect(new URL(reader.url()).hash).toBe('');
    await reader.reload();
    await reader.getByRole('status').getByText('Runtime ready').waitFor();
    await codeIs(reader, 2, mine);
    await expect(banner(reader).count()).resolves.toBe(0);
  });

  it('puts the shared code in on “Use the shared ones” and keeps the reader’s own aside', async () => {
    const mine = "const mine = 'my own work';";
    const theirs = "const theirs = 'shared';";
    const reader = await freshPage({ ownEdits: { 2: mine } });
    await open(reader, linkWith([editOf(2, theirs), editOf(4, '40 + 2')]));
    const question = reader.getByRole('group', { name: 'Your edits or the shared ones' });
    await question.getByRole('button', { name: 'Use the shared ones' }).click();

    await banner(reader).getByText('This link put someone’s code into cells 2 and 4').waitFor();
    await codeIs(reader, 2, theirs);
    await codeIs(reader, 4, '40 + 2');
    await sharedMark(reader, 2).waitFor();
    await expect
      .poll(() => reader.evaluate(() => document.activeElement?.textContent), UI_WAIT)
      .toBe('Edits shared with you');
    expect(new URL(reader.url()).hash).toBe('');
    const backups = (await storedKeys(reader)).filter((key) =>
      key.startsWith('actorbook:backup:start:'),
    );
    expect(backups).toHaveLength(1);
    await expect(
      reader.evaluate((key) => localStorage.getItem(key), backups[0]!),
    ).resolves.toContain('my own work');
    await nothingRan(reader);
  });
});

describe('share links on other static hosts', SLOW, () => {
  for (const [host, root] of [
    ['a host with clean URLs', cleanUrlSiteUrl],
    ['vite preview', previewUrl],
  ] as const) {
    it(`opens with the shared code on ${host}`, async () => {
      const reader = await freshPage();
      await open(reader, linkWith([editOf(4, "IO.puts('from a link')")], `${root}chapters/start`));
      await banner(reader).getByText('This link put someone’s code into cell 4').waitFor();
      await codeIs(reader, 4, "IO.puts('from a link')");
      await sharedMark(reader, 4).waitFor();
      await expect.poll(() => new URL(reader.url()).hash, UI_WAIT).toBe('');
    });
  }
});

describe('links that cannot be used', SLOW, () => {
  it('opens the chapter as usual with a note for a damaged, a cut-off and an oversized link', async () => {
    const link = linkWith([editOf(2, "const theirs = 'shared';")]);
    const at = link.length - 8;
    const damaged = link.slice(0, at) + (link[at] === 'A' ? 'B' : 'A') + link.slice(at + 1);
    const reader = await freshPage();
    await open(reader, damaged);
    const note = reader.getByRole('alert').filter({ hasText: 'This share link could not be used' });
    await note.getByText(/damaged: some of its characters were changed/).waitFor();
    await note.getByText(/The chapter opened as usual/).waitFor();
    await codeIs(reader, 2, cellAt(2).source);
    await reader.screenshot({ path: `${SCREENSHOTS}/share-damaged.png` });

    // A cut-off link pasted into the same tab: only the fragment changes.
    await reader.goto(link.slice(0, link.length - 30));
    await note.getByText(/incomplete: it was cut off \(\d+ of \d+ characters arrived\)/).waitFor();
    await codeIs(reader, 2, cellAt(2).source);
    await expect(sharedMark(reader, 2).count()).resolves.toBe(0);

    await reader.goto(`${CHAPTER}#share=1.${'A'.repeat(9000)}`);
    await note
      .getByText(/too long to read \(9,002 characters; share links have at most 8,000\)/)
      .waitFor();
    await codeIs(reader, 2, cellAt(2).source);
    await nothingRan(reader);
  });

  it('shows hostile shared text as code and runs none of it', async () => {
    const hostile =
      '</script><img src=x onerror="window.pwned = 1"><script>window.pwned = 2</script>';
    const reader = await freshPage();
    await open(
      reader,
      linkWith([
        editOf(4, `// ${hostile}`),
        // Made against other code for cell 2: shown to read, not put in.
        editOf(2, `/* ${hostile} */`, fingerprint('older code')),
      ]),
    );
    await codeIs(reader, 4, `// ${hostile}`);
    await codeIs(reader, 2, cellAt(2).source);
    await banner(reader)
      .getByText(/The chapter’s code of cell 2 changed since the link was made/)
      .waitFor();
    await banner(reader).getByText('The shared code of cell 2').click();
    await banner(reader).locator('pre').getByText(hostile, { exact: false }).waitFor();
    await expect(reader.locator('.chapter img, .share-banner img').count()).resolves.toBe(0);
    await expect(
      reader.evaluate(() => (window as { pwned?: number }).pwned),
    ).resolves.toBeUndefined();
    await reader.screenshot({ path: `${SCREENSHOTS}/share-changed-cell.png` });
  });
});

describe('copying a link when the browser refuses the clipboard', SLOW, () => {
  it('says so and selects the link in its field for the reader to copy', async () => {
    const sender = await freshPage({ clipboard: 'refused' });
    await open(sender, CHAPTER);
    await replaceCellCode(sender, 2, '6 * 7');
    await sender.getByRole('button', { name: 'Share…' }).click();
    const dialog = sender.getByRole('dialog', { name: 'Share your edits' });
    await dialog.getByText(/did not let the page copy the link/).waitFor();
    const field = dialog.getByRole('textbox', { name: /^Link/ });
    await expect
      .poll(
        () =>
          field.evaluate(
            (element: HTMLTextAreaElement) =>
              document.activeElement === element &&
              element.selectionStart === 0 &&
              element.selectionEnd === element.value.length,
          ),
        UI_WAIT,
      )
      .toBe(true);
    expect(await field.inputValue()).toContain('#share=1.');
    await sender.screenshot({ path: `${SCREENSHOTS}/share-dialog-refused.png` });
  });
});

describe('screenshots of the share dialog and banner', SLOW, () => {
  for (const look of [
    { name: 'dark', options: { theme: 'dark' as const } },
    { name: 'projector', options: { width: 1920, height: 1080, scale: 1.5, projector: true } },
  ]) {
    it(`shows the banner and the dialog legibly (${look.name})`, async () => {
      const reader = await freshPage({ ...look.options, clipboard: 'granted' });
      await open(
        reader,
        linkWith([
          editOf(2, "const shout = (text: string) => text.toUpperCase();\nshout('ada')"),
          editOf(4, "IO.puts('shared from a classmate')"),
        ]),
      );
      await banner(reader).getByText('Nothing has run:').waitFor();
      await sharedMark(reader, 2).waitFor();
      await reader.screenshot({ path: `${SCREENSHOTS}/share-banner-${look.name}.png` });
      await reader.getByRole('button', { name: 'Share…' }).click();
      await reader.getByRole('dialog', { name: 'Share your edits' }).getByText('Copied').waitFor();
      await reader.screenshot({ path: `${SCREENSHOTS}/share-dialog-${look.name}.png` });
    });
  }
});
