/**
 * Exercises on a chapter page, solved for real: the learner's code and the hidden check run in
 * the static build's worker. The tests use the first chapter's two exercises (`first-receive`
 * and `greeter`) and find them by their ids, so the chapter's other cells may change freely.
 */
import type { Locator, Page } from 'playwright-core';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { readChapter } from '../../engine/index';
import { cellCode, replaceCellCode } from './cellDriver';
import { SCREENSHOTS, chromiumForFile, watchPageErrors } from './browserSession';

const siteUrl = inject('siteUrl');

/** How many exercises the course's chapter files hold, as the contents should count them. */
function exercisesInCourse(): number {
  const dir = new URL('../../../chapters/', import.meta.url);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md') && name !== 'README.md')
    .flatMap((name) => readChapter(readFileSync(new URL(name, dir), 'utf8')).blocks)
    .filter((block) => block.kind === 'exercise').length;
}
const browser = chromiumForFile();

let page: Page;
let pageErrors: string[];

afterEach(async () => {
  await page.close();
  expect(pageErrors).toEqual([]);
});

async function openStart(options: { dark?: boolean; projector?: boolean } = {}) {
  page = await browser().newPage({
    viewport: { width: 1366, height: 768 },
    colorScheme: options.dark ? 'dark' : 'light',
  });
  page.setDefaultTimeout(20_000);
  pageErrors = watchPageErrors(page);
  // `?projector` on any page turns projector mode on and the site remembers it.
  if (options.projector) await page.goto(`${siteUrl}?projector`);
  await page.goto(`${siteUrl}chapters/start`);
  await page.getByRole('status').getByText('Runtime ready').waitFor();
}

/** The exercise with this id, and the number of its cell. */
async function exercise(id: string): Promise<{ region: Locator; n: number }> {
  const region = page.getByRole('region', { name: new RegExp(`^Exercise \\d+: ${id}$`) });
  const label = (await region.getAttribute('aria-label'))!;
  return { region, n: Number(/^Exercise (\d+)/.exec(label)![1]) };
}

const result = (region: Locator) => region.locator('.exercise__result[role="status"]');

const SOLUTION = "send(self(), ['greeting', 'hello']);\nconst got = await receive();";

describe('exercises on a chapter page', { timeout: 180_000 }, () => {
  it('passes an exercise solved by typing, and counts it as solved after a reload', async () => {
    await openStart();
    const { region, n } = await exercise('first-receive');
    await replaceCellCode(page, n, SOLUTION);
    await region.getByRole('button', { name: `Check exercise ${n}` }).click();

    await result(region).getByText('Every check holds: exercise solved.').waitFor();
    await region.getByLabel('Solved').waitFor();
    const toolbar = page.getByRole('toolbar', { name: 'Chapter cells' });
    await toolbar.getByText('1 of 2 exercises solved').waitFor();
    await region.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/exercise-passed.png` });

    await page.reload();
    await page.getByRole('status').getByText('Runtime ready').waitFor();
    await toolbar.getByText('1 of 2 exercises solved').waitFor();
    await (await exercise('first-receive')).region.getByLabel('Solved').waitFor();

    await page.getByRole('link', { name: 'All chapters' }).first().click();
    await page.getByText(`1 of ${exercisesInCourse()} exercises solved in the course`).waitFor();
    await expect(page.getByLabel('1 of 2 exercises solved').count()).resolves.toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}/exercise-contents.png` });
  });

  it('shows the failing assertion of a wrong answer, with what the mailbox had', async () => {
    await openStart();
    const { region, n } = await exercise('greeter');
    await replaceCellCode(
      page,
      n,
      'const greeter = spawn(async () => {\n  const [from, name] = await receive();\n  send(from, `hi, ${name}`);\n});',
    );
    await region.getByRole('button', { name: `Check exercise ${n}` }).click();

    await result(region).getByText('Not yet.').waitFor();
    await expect(result(region).locator('.exercise__message').textContent()).resolves.toBe(
      "expected a message matching 'hello, Ada' within 500 ms; the mailbox had 1 message: 'hi, Ada'",
    );
    await region.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/exercise-failed.png` });

    // The verdict is about the code that was checked: an edit says so until the next Check.
    const changed = result(region).getByText('You changed the code since this check');
    await expect(changed.count()).resolves.toBe(0);
    await replaceCellCode(page, n, 'const greeter = spawn(async () => {});');
    await changed.waitFor();
  });

  it('opens hints one at a time, shows the solution after a confirmation, does not count its pass, goes back and resets', async () => {
    await openStart();
    const { region, n } = await exercise('greeter');
    const starter = await cellCode(page, n);
    const own = 'const greeter = spawn(async () => {\n  // my attempt\n});';
    await replaceCellCode(page, n, own);

    await region.getByRole('button', { name: `Show hint 1 of 2 of exercise ${n}` }).click();
    const hints = region.getByRole('list', { name: `Hints of exercise ${n}` });
    await hints.getByText('The process already has the sender').waitFor();
    await expect(hints.getByRole('listitem').count()).resolves.toBe(1);
    await region.getByRole('button', { name: `Show hint 2 of 2 of exercise ${n}` }).press('Enter');
    await expect(hints.getByRole('listitem').count()).resolves.toBe(2);
    await region.getByRole('button', { name: `All 2 hints of exercise ${n} are shown` }).waitFor();

    await region.getByRole('button', { name: `Show the solution of exercise ${n}` }).click();
    const confirm = region.getByRole('group', { name: 'Confirm showing the solution' });
    await confirm.getByText('Your code is kept').waitFor();
    // The confirmation takes the focus, so the keyboard answers it.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe('Show solution');
    await page.keyboard.press('Enter');
    await expect.poll(() => cellCode(page, n)).toContain('send(from, `hello, ${name}`);');
    await region.getByText('showing the solution').waitFor();
    // The solution passes, but a pass of the shown solution is not the learner's.
    await region.getByRole('button', { name: `Check exercise ${n}` }).click();
    await result(region).getByText('Passed, with the solution shown.').waitFor({ timeout: 30_000 });
    await expect(region.getByLabel('Solved').count()).resolves.toBe(0);
    await region.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/exercise-solution.png` });

    await region.getByRole('button', { name: `Back to my code in exercise ${n}` }).click();
    await expect.poll(() => cellCode(page, n)).toBe(own);
    await region.getByRole('button', { name: `Reset exercise ${n} to its starter code` }).click();
    await expect.poll(() => cellCode(page, n)).toBe(starter);
  });

  it('reads well in projector mode and in the dark theme', async () => {
    for (const [name, options] of [
      ['exercise-projector', { projector: true }],
      ['exercise-dark', { dark: true }],
    ] as const) {
      await openStart(options);
      const { region, n } = await exercise('greeter');
      if (options.projector) {
        await expect(page.locator('html').getAttribute('data-projector')).resolves.toBe('');
      }
      await region.getByRole('button', { name: `Check exercise ${n}` }).click();
      await result(region).getByText('Not yet.').waitFor();
      await region.getByRole('button', { name: `Show hint 1 of 2 of exercise ${n}` }).click();
      await region.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
      if (name === 'exercise-projector') {
        await page.close();
        expect(pageErrors).toEqual([]);
      }
    }
  });
});
