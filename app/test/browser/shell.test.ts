/**
 * The course shell as a reader uses it: the contents, chapter links, section deep links,
 * previous/next by mouse and keyboard, theme and projector mode (remembered across reloads), a
 * chapter that tries to run script (it must stay inert) and diagrams, valid and broken.
 *
 * The hostile chapter is a fixture (app/test/fixtures/browser/), never part of the course: the
 * test serves it in place of the first chapter's lazily loaded module, so the real build renders
 * it through the real pipeline without the build knowing about it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { COURSE_PLAN } from '../../chapters/coursePlan';
import { SCREENSHOTS, chromiumForFile, watchPageErrors } from './browserSession';

const siteUrl = inject('siteUrl');
const HOSTILE_CHAPTER = readFileSync(
  new URL('../fixtures/browser/hostile-chapter.md', import.meta.url),
  'utf8',
);

let context: BrowserContext;
let page: Page;
let pageErrors: string[];

const browser = chromiumForFile();

beforeEach(async () => {
  context = await browser().newContext({ viewport: { width: 1366, height: 768 } });
  page = await context.newPage();
  // Two cores shared with other work: generous waits, the assertions stay exact.
  page.setDefaultTimeout(20_000);
  pageErrors = watchPageErrors(page);
});

afterEach(async () => {
  await context.close();
  expect(pageErrors).toEqual([]);
});

const title = () => page.locator('main h1').first();
const html = () => page.locator('html');

/** The chapters a reader can open, in reading order, as the home page lists them. */
async function writtenChapters(): Promise<{ name: string; href: string }[]> {
  await page.goto(siteUrl);
  const links = page.getByRole('navigation', { name: 'Chapters' }).getByRole('link');
  await links.first().waitFor();
  return links.evaluateAll((anchors) =>
    anchors.map((a) => ({ name: a.textContent ?? '', href: (a as HTMLAnchorElement).href })),
  );
}

/** Serves the hostile fixture in place of the first chapter's module. */
async function serveHostileChapter(): Promise<void> {
  await page.route(/\/assets\/00-start-[\w-]+\.js$/, (route) =>
    route.fulfill({
      contentType: 'text/javascript',
      body: `export default ${JSON.stringify(HOSTILE_CHAPTER)};`,
    }),
  );
}

describe('table of contents', () => {
  it('lists the whole course by part and number, written chapters as links and any still planned as coming', async () => {
    await page.goto(siteUrl);
    const contents = page.getByRole('navigation', { name: 'Chapters' });
    await contents.waitFor();

    const parts = await contents.getByRole('heading', { level: 2 }).allTextContents();
    expect(parts[0]).toBe('Part 0 · Start');
    expect(parts).toContain('Part 10 · Async work behind a live view');
    // Every slot of the plan is listed, in order, whether it is written yet or not.
    const numbers = await contents.locator('.toc-item__number').allTextContents();
    expect(numbers.slice(0, COURSE_PLAN.length)).toEqual(COURSE_PLAN.map((slot) => slot.number));
    const planned = contents.locator('.toc-item--planned');
    const plannedCount = await planned.count();
    // A chapter still to come says so and is not a link; every written one is.
    expect(await planned.getByRole('link').count()).toBe(0);
    for (const text of await planned.allTextContents()) expect(text).toContain('coming');
    const links = await contents.locator('.toc-item').getByRole('link').count();
    expect(links + plannedCount).toBe(numbers.length);
    // The app loads every chapters/*.md but the folder's README.
    const files = readdirSync(new URL('../../../chapters/', import.meta.url));
    const chapterFiles = files.filter((name) => name.endsWith('.md') && name !== 'README.md');
    expect(links).toBe(chapterFiles.length);
  });

  it('opens from a chapter page by button and by key, marks the open chapter and follows a link', async () => {
    const chapters = await writtenChapters();
    expect(chapters.length).toBeGreaterThan(1);
    await page.goto(`${siteUrl}chapters/start`);
    await title().waitFor();

    await page.getByRole('button', { name: 'Contents' }).click();
    const drawer = page.getByRole('dialog', { name: 'Contents' });
    await drawer.waitFor();
    await expect(drawer.locator('[aria-current="page"]').textContent()).resolves.toBe(
      chapters[0]!.name,
    );
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    await page.keyboard.press('t');
    await drawer.waitFor();
    await drawer.getByRole('link', { name: chapters[1]!.name, exact: true }).click();
    await drawer.waitFor({ state: 'hidden' });
    await page.getByRole('heading', { level: 1, name: chapters[1]!.name }).waitFor();
    expect(page.url()).toBe(chapters[1]!.href);
  });
});

describe('chapter navigation', () => {
  it('goes to the next and previous chapter by link and by [ and ] keys', async () => {
    const chapters = await writtenChapters();
    await page.goto(chapters[0]!.href);
    await title().waitFor();
    // Marks this document: a reload would lose it.
    await page.evaluate(() => ((window as { __samePage?: boolean }).__samePage = true));

    const pager = page.getByRole('navigation', { name: 'Previous and next chapter' });
    await pager.getByRole('link', { name: `Next ${chapters[1]!.name}` }).click();
    await page.getByRole('heading', { level: 1, name: chapters[1]!.name }).waitFor();
    expect(page.url()).toBe(chapters[1]!.href);

    await page.keyboard.press('[');
    await page.getByRole('heading', { level: 1, name: chapters[0]!.name }).waitFor();
    await page.keyboard.press(']');
    await page.getByRole('heading', { level: 1, name: chapters[1]!.name }).waitFor();
    expect(page.url()).toBe(chapters[1]!.href);
    await expect(
      page.evaluate(() => (window as { __samePage?: boolean }).__samePage),
    ).resolves.toBe(true);
  });

  it('never takes [ or t from someone typing in a cell', async () => {
    await page.goto(`${siteUrl}chapters/start`);
    const editor = page.getByRole('textbox').first();
    await editor.waitFor();
    const here = page.url();
    await editor.click();
    // Typed at once, while the cell's editor may still be loading and swapping itself in.
    await page.keyboard.type(']t');
    // And once the editor holds the focus.
    await page.waitForFunction(
      () => {
        const active = document.activeElement;
        return active?.tagName === 'TEXTAREA' || active?.closest('.monaco-editor') != null;
      },
      null,
      { timeout: 40_000 },
    );
    await page.keyboard.type('[t]');

    await expect(page.getByRole('dialog', { name: 'Contents' }).isVisible()).resolves.toBe(false);
    expect(page.url()).toBe(here);
  }, 60_000);

  it('scrolls to a section named in the URL and gives headings anchor links', async () => {
    await page.goto(`${siteUrl}chapters/start`);
    await title().waitFor();
    const ids = await page
      .locator('main h2[id]')
      .evaluateAll((headings) => headings.map((heading) => heading.id));
    expect(ids.length).toBeGreaterThan(1);
    const target = ids.at(-1)!;
    await expect(page.locator(`#${target} a.heading-anchor`).getAttribute('href')).resolves.toBe(
      `chapters/start#${target}`,
    );

    await page.goto(`${siteUrl}chapters/start#${target}`);
    const heading = page.locator(`#${target}`);
    await heading.waitFor();
    await page.waitForFunction((id) => {
      const box = document.getElementById(id)!.getBoundingClientRect();
      return window.scrollY > 0 && box.top >= -1 && box.top < 80;
    }, target);
  });

  it('lists the keyboard shortcuts from the header and closes with Escape', async () => {
    await page.goto(siteUrl);
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    await expect(help.textContent()).resolves.toContain('Next chapter');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
    await page.keyboard.press('?');
    await help.waitFor();
    // Closed and reopened at once: the dialog ends as the last key asked, open.
    await page.keyboard.press('Escape');
    await page.keyboard.press('?');
    await help.waitFor();
    await expect(
      page.evaluate(() => document.querySelector('dialog[open]')?.ariaLabel),
    ).resolves.toBe('Keyboard shortcuts');
  });
});

describe('display', () => {
  it('switches to the dark theme and keeps it after a reload', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(siteUrl);
    await title().waitFor();
    await expect(html().getAttribute('data-theme')).resolves.toBe('light');
    const lightPaper = await page.evaluate(
      () => getComputedStyle(document.documentElement).backgroundColor,
    );

    await page.getByRole('button', { name: 'Dark theme' }).click();
    await expect(html().getAttribute('data-theme')).resolves.toBe('dark');
    await page.reload();
    await title().waitFor();
    await expect(html().getAttribute('data-theme')).resolves.toBe('dark');
    await expect(
      page.getByRole('button', { name: 'Dark theme' }).getAttribute('aria-pressed'),
    ).resolves.toBe('true');
    const darkPaper = await page.evaluate(
      () => getComputedStyle(document.documentElement).backgroundColor,
    );
    expect(darkPaper).not.toBe(lightPaper);
  });

  it('starts in the system colour scheme until the reader picks one', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(siteUrl);
    await title().waitFor();
    await expect(html().getAttribute('data-theme')).resolves.toBe('dark');
  });

  it('projector mode: larger type, panels hidden until asked for, remembered, and from ?projector', async () => {
    await page.goto(`${siteUrl}chapters/start`);
    await title().waitFor();
    const fontSize = () =>
      page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    const normal = await fontSize();
    expect(
      await page.getByRole('banner').getByRole('button', { name: 'Panels', exact: true }).count(),
    ).toBe(0);

    await page.getByRole('button', { name: 'Projector' }).click();
    await expect(html().getAttribute('data-projector')).resolves.toBe('');
    expect(await fontSize()).toBeGreaterThan(normal * 1.3);
    const panels = page.getByRole('banner').getByRole('button', { name: 'Panels', exact: true });
    await expect(panels.getAttribute('aria-pressed')).resolves.toBe('false');
    await panels.click();
    await expect(panels.getAttribute('aria-pressed')).resolves.toBe('true');

    await page.reload();
    await title().waitFor();
    await expect(html().getAttribute('data-projector')).resolves.toBe('');
    await page.getByRole('button', { name: 'Projector' }).click();
    await expect(html().getAttribute('data-projector')).resolves.toBeNull();

    const fresh = await browser().newContext({ viewport: { width: 1366, height: 768 } });
    const other = await fresh.newPage();
    await other.goto(`${siteUrl}?projector`);
    await other.locator('main h1').first().waitFor();
    await expect(other.locator('html').getAttribute('data-projector')).resolves.toBe('');
    await fresh.close();
  });
});

describe('chapter content', () => {
  it('leaves script, event handlers, javascript: links and frames in a chapter inert', async () => {
    await serveHostileChapter();
    await page.goto(`${siteUrl}chapters/start`);
    await page.getByRole('heading', { level: 1, name: 'A hostile chapter' }).waitFor();
    const here = page.url();
    // Give a broken image's onerror, a frame and anything else time to fire.
    await page.waitForTimeout(500);
    for (const name of ['A javascript link', 'An HTML javascript link']) {
      await page.getByText(name).click();
    }
    await page.getByText('details', { exact: true }).click();

    const main = page.locator('main');
    await expect(main.locator('script, iframe, [onerror], [ontoggle]').count()).resolves.toBe(0);
    await expect(
      page.evaluate(() => (window as { __chapterScriptRan?: unknown }).__chapterScriptRan),
    ).resolves.toBeUndefined();
    expect(page.url()).toBe(here);
    // The rest of the chapter still renders.
    await expect(main.getByRole('img', { name: 'broken image' }).count()).resolves.toBe(1);
  });

  it('draws a valid diagram, redraws it for the dark theme, and explains a broken one in an error box', async () => {
    await serveHostileChapter();
    await page.goto(`${siteUrl}chapters/start`);
    const diagrams = page.locator('figure.mermaid-diagram');
    await expect.poll(() => diagrams.count()).toBe(2);

    await diagrams.nth(0).scrollIntoViewIfNeeded();
    const drawing = diagrams.nth(0).locator('.mermaid-diagram__svg');
    await drawing.locator('svg').first().waitFor();
    // The diagram follows the theme: switching it draws the diagram again, in other colours.
    const lightSvg = await drawing.innerHTML();
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await expect.poll(() => drawing.innerHTML()).not.toBe(lightSvg);
    await drawing.locator('svg').first().waitFor();
    // Mermaid's light theme fills nodes with #ECECFF; its dark theme does not.
    expect(lightSvg.toLowerCase()).toContain('#ececff');
    expect((await drawing.innerHTML()).toLowerCase()).not.toContain('#ececff');
    await diagrams.nth(1).scrollIntoViewIfNeeded();
    const error = diagrams.nth(1).getByRole('alert');
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(
      /could not be drawn.*(Parse error|Expecting)/s,
    );
    await page.screenshot({ path: `${SCREENSHOTS}/shell-diagram-error.png` });
  });

  it('keeps links between chapters in the app and opens external links in a new tab', async () => {
    await serveHostileChapter();
    await page.goto(`${siteUrl}chapters/start`);
    await title().waitFor();
    await page.evaluate(() => ((window as { __samePage?: boolean }).__samePage = true));

    const external = page.getByRole('link', { name: 'the Erlang site' });
    await expect(external.getAttribute('target')).resolves.toBe('_blank');
    await expect(external.getAttribute('rel')).resolves.toContain('noopener');

    // On a loaded machine a cell's editor can still be waking up and move the text under the
    // pointer as it is clicked: click again until the link has been followed.
    const inPage = page.getByRole('link', { name: "this chapter's first diagram" });
    const target = `${siteUrl}chapters/start#a-valid-diagram`;
    await expect
      .poll(
        async () => {
          if (page.url() !== target) await inPage.click();
          return page.url();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(target);
    await page.waitForFunction(() => document.activeElement?.id === 'a-valid-diagram');
    await expect(
      page.evaluate(() => (window as { __samePage?: boolean }).__samePage),
    ).resolves.toBe(true);
  });

  it('colours code samples that are not cells', async () => {
    await serveHostileChapter();
    await page.goto(`${siteUrl}chapters/start`);
    const sample = page.locator('pre > code.language-sh');
    await sample.scrollIntoViewIfNeeded();
    await sample.locator('span[class^="hljs-"]').first().waitFor();
    await expect(sample.textContent()).resolves.toBe(
      '# build once, then serve the folder\nnpm run build && npx serve "dist"\n',
    );
  });
});

describe('screenshots', () => {
  const views = [
    { name: 'home', path: '' },
    { name: 'chapter', path: 'chapters/start' },
  ];
  for (const theme of ['light', 'dark'] as const) {
    for (const projector of [false, true]) {
      it(`${theme}${projector ? ', projector' : ''}: home and chapter`, async () => {
        const shots = await browser().newContext(
          projector
            ? { viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 }
            : { viewport: { width: 1366, height: 768 } },
        );
        await shots.addInitScript(
          ([chosen, on]) => {
            localStorage.setItem('actorbook:theme', chosen as string);
            if (on) localStorage.setItem('actorbook:projector', '1');
          },
          [theme, projector],
        );
        const shot = await shots.newPage();
        shot.setDefaultTimeout(20_000);
        for (const view of views) {
          await shot.goto(`${siteUrl}${view.path}`);
          await shot.locator('main h1').first().waitFor();
          await expect(shot.locator('html').getAttribute('data-theme')).resolves.toBe(theme);
          const suffix = `${theme}${projector ? '-projector' : ''}`;
          await shot.screenshot({ path: `${SCREENSHOTS}/shell-${view.name}-${suffix}.png` });
        }
        await shots.close();
      }, 60_000);
    }
  }
});
