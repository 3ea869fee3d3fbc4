/**
 * Every chapter of the course, run the way a learner runs them: open the chapter in the
 * built app, press Run all, and read what every cell shows. Each cell must end as its ```expect
 * block says (most simply finish; some exit or throw on purpose), and what the expect blocks
 * state about values, output, exit reasons and errors must appear on the page.
 *
 * This is the chapter check (`npm run chapters:check`) again, but in real time, in the worker, in
 * Chromium, through the UI. One difference follows from reading the page once everything has run:
 * by then a cell's output also holds what its processes wrote later, so an exact `stdout:` or
 * `stderr:` expectation (which is about the moment the cell finished) must be the beginning of
 * what the page shows rather than all of it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chapterSlugFromFile } from '../../chapters/chapterSlug';
import type { CellBlock, Expectation } from '../../engine/index';
import { chapterCells, parseChapter } from '../../engine/index';
import { launchChromium } from './chromium';

const SCREENSHOTS = 'test-results/browser';
/** The chapter's plain cells: an exercise's cell sits inside its `.exercise` frame. */
const PLAIN_CELLS = 'section.cell:not(.exercise > .cell)';
const siteUrl = inject('siteUrl');
const chaptersDir = fileURLToPath(new URL('../../../chapters/', import.meta.url));

/** The chapters this test runs: every chapter of the course (the README is not one). */
const files = readdirSync(chaptersDir)
  .filter((name) => name.endsWith('.md') && name !== 'README.md')
  .sort();

/** What the page shows for one cell once it has run. */
interface ShownCell {
  readonly phase: string | null;
  readonly outcome: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The shown value, or null when the cell shows none. */
  readonly value: string | null;
  /** How a run that did not end ok ended ('Evaluator exited', 'Error', 'Stopped', ...) and why. */
  readonly failure: { readonly label: string; readonly text: string } | null;
}

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
});

/** Reads every cell of the page, in order. */
function readCells(page: Page): Promise<ShownCell[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('section.cell:not(.exercise > .cell)')].map(
      (section) => {
        const textOf = (element: Element) => {
          const copy = element.cloneNode(true) as Element;
          copy.querySelectorAll('.visually-hidden').forEach((hidden) => hidden.remove());
          return copy.textContent ?? '';
        };
        const stream = (name: string) =>
          [...section.querySelectorAll(`.cell-output__text--${name}`)].map(textOf).join('');
        const value = section.querySelector('.cell-result--value .cell-result__text');
        const failure = section.querySelector('.cell-result--error, .cell-result--notice');
        return {
          phase: section.getAttribute('data-phase'),
          outcome: section.getAttribute('data-outcome'),
          stdout: stream('stdout'),
          stderr: stream('stderr'),
          value: value ? textOf(value) : null,
          failure: failure
            ? {
                label: failure.querySelector('.cell-result__label')?.textContent ?? '',
                text: failure.querySelector('.cell-result__text')?.textContent ?? '',
              }
            : null,
        };
      },
    ),
  );
}

/** The status the page shows for a cell, in the chapter format's words. */
function statusOf(cell: ShownCell): string {
  if (cell.outcome === 'ok') return 'ok';
  if (cell.failure?.label === 'Evaluator exited') return 'exit';
  if (cell.failure?.label === 'Error') return 'error';
  if (cell.failure?.label.startsWith('Compile error')) return 'compile_error';
  const shown = cell.failure ? `${cell.failure.label}: ${cell.failure.text}` : 'nothing shown';
  return `${cell.outcome ?? 'no outcome'} (${shown})`;
}

/** The text an expectation looks at, as the page shows it. */
function subjectOf(check: Expectation, cell: ShownCell): string | null {
  switch (check.subject) {
    case 'stdout':
      return cell.stdout;
    case 'stderr':
      return cell.stderr;
    case 'value':
      return cell.value;
    case 'reason':
      return statusOf(cell) === 'exit' ? (cell.failure?.text ?? null) : null;
    case 'error':
      return statusOf(cell) === 'error' || statusOf(cell) === 'compile_error'
        ? (cell.failure?.text ?? null)
        : null;
  }
}

/** Null when the page meets the expectation, else what is wrong. */
function unmet(
  check: Expectation,
  cell: ShownCell,
  valuesById: ReadonlyMap<string, string | null>,
): string | null {
  const actual = subjectOf(check, cell);
  const isOutput = check.subject === 'stdout' || check.subject === 'stderr';
  const test = check.test;
  const problem = (expected: string) =>
    `line ${check.line} ${check.key}: expected ${expected}, the page shows ${JSON.stringify(actual)}`;
  switch (test.kind) {
    case 'equals': {
      if (!isOutput) {
        const wanted = test.text === '' ? null : test.text;
        return actual === wanted ? null : problem(JSON.stringify(wanted));
      }
      const shown = actual ?? '';
      if (check.when === 'final') {
        return shown.replace(/\n$/, '') === test.text ? null : problem(JSON.stringify(test.text));
      }
      // Output written after the cell finished follows what the cell itself wrote.
      const atFinish = test.text === '' ? '' : `${test.text}\n`;
      return shown.startsWith(atFinish) || shown === test.text
        ? null
        : problem(`text starting with ${JSON.stringify(atFinish)}`);
    }
    case 'contains':
      return actual?.includes(test.text) ? null : problem(`text containing ${test.text}`);
    case 'matches':
      return actual !== null && test.regex.test(actual) ? null : problem(String(test.regex));
    case 'same as':
    case 'differs from': {
      const other = valuesById.get(test.cellId) ?? null;
      if (other === null || actual === null)
        return problem(`a value to compare with ${test.cellId}`);
      return (actual === other) === (test.kind === 'same as')
        ? null
        : problem(`a value that is ${test.kind} ${test.cellId} (${other})`);
    }
  }
}

/** Every expectation of the chapter the page does not meet (status first). */
function differences(cells: readonly CellBlock[], shown: readonly ShownCell[]): string[] {
  const problems: string[] = [];
  const valuesById = new Map<string, string | null>();
  cells.forEach((cell, index) => {
    const onPage = shown[index]!;
    const where = `cell ${index + 1} (line ${cell.line})`;
    if (cell.id !== null) valuesById.set(cell.id, onPage.value);
    const expected = cell.expect?.status ?? 'ok';
    const status = statusOf(onPage);
    if (status !== expected) {
      const failed = ['exit', 'error', 'compile_error'].includes(status);
      const detail = failed ? `: ${onPage.failure?.text ?? ''}` : '';
      problems.push(`${where} ended ${status}${detail}, expected ${expected}`);
      return;
    }
    for (const check of cell.expect?.checks ?? []) {
      const problem = unmet(check, onPage, valuesById);
      if (problem) problems.push(`${where} ${problem}`);
    }
  });
  return problems;
}

describe('the first chapters, run in the app', () => {
  it('has chapters to run', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)(
    'chapters/%s: Run all ends every cell as its expectations say',
    async (fileName) => {
      const text = readFileSync(`${chaptersDir}${fileName}`, 'utf8');
      const parsed = parseChapter(text, fileName);
      if (!parsed.ok) throw new Error(`chapters/${fileName} is malformed`);
      const cells = chapterCells(parsed.chapter);
      const slug = chapterSlugFromFile(`chapters/${fileName}`)!;

      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      try {
        await page.goto(`${siteUrl}chapters/${slug}`);
        await page.getByRole('status').getByText('Runtime ready').waitFor({ timeout: 30_000 });
        // Exercise cells have no expect blocks (the chapter check runs their starters and solutions).
        await expect(page.locator(PLAIN_CELLS).count()).resolves.toBe(cells.length);
        // Like a reader who starts with the prose: Run all once the compiler has started. (A run
        // queued while esbuild-wasm starts on a busy machine can be taken for a hung worker.)
        await page.getByText(/TypeScript compiler ready/).waitFor({ timeout: 60_000 });

        await page.getByRole('button', { name: 'Run all', exact: true }).click();
        await page.waitForFunction(
          (count) => {
            const sections = [...document.querySelectorAll('section.cell')];
            const plain = sections.filter((s) => !s.matches('.exercise > .cell'));
            return (
              plain.length === count &&
              sections.every(
                (s) => s.getAttribute('data-phase') === 'idle' && s.hasAttribute('data-outcome'),
              )
            );
          },
          cells.length,
          { timeout: 60_000, polling: 250 },
        );

        // Processes may still be writing (output that arrives later): wait until the page agrees.
        await expect
          .poll(async () => differences(cells, await readCells(page)), {
            timeout: 10_000,
            interval: 250,
          })
          .toEqual([]);

        await page.locator(PLAIN_CELLS).last().scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${SCREENSHOTS}/chapter-${slug}-run-all.png` });
        expect(pageErrors).toEqual([]);
      } catch (error) {
        await page.screenshot({ path: `${SCREENSHOTS}/chapter-${slug}-failed.png` });
        throw error;
      } finally {
        await page.close();
      }
    },
    120_000,
  );
});
