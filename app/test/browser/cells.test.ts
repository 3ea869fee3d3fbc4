/**
 * Cells on a chapter page, run for real: the static build, its runtime worker and esbuild-wasm in
 * headless Chromium. Each test types its own code into the chapter's cells, so the chapter's text
 * may change freely.
 */
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { cellFinished, cellOutput, cellPrinted, cellRegion, runCellCode } from './cellDriver';
import { SCREENSHOTS, chromiumForFile, watchPageErrors } from './browserSession';

const siteUrl = inject('siteUrl');

let page: Page;
let pageErrors: string[];

const browser = chromiumForFile();

beforeEach(async () => {
  page = await browser().newPage({ viewport: { width: 1366, height: 768 } });
  page.setDefaultTimeout(15_000);
  pageErrors = watchPageErrors(page);
  await page.goto(`${siteUrl}chapters/start`);
  await page.getByRole('status').getByText('Runtime ready').waitFor();
});

afterEach(async () => {
  await page.close();
  expect(pageErrors).toEqual([]);
});

const cell = (n: number) => cellRegion(page, n);
const output = (n: number) => cellOutput(page, n);
/** Types `code` into cell `n` and runs it. */
const run = (n: number, code: string) => runCellCode(page, n, code);
/** Everything cell `n` and its processes printed, stdout and stderr. */
const printed = (n: number) => cellPrinted(page, n);

/** Waits until cell `n` has no run pending and shows how it ended. */
const finished = (n: number) => cellFinished(page, n);

// A fresh profile starts the runtime, the compiler and the editor: room for a busy machine.
describe('cells on a chapter page', { timeout: 120_000 }, () => {
  it('runs a cell in the worker and shows the value of its last expression', async () => {
    await run(1, 'const n: number = 20;\nn + 22');

    await output(1).getByText('42', { exact: true }).waitFor();
    await expect(output(1).textContent()).resolves.toMatch(/^Value42$/);
    await cell(1).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/cell-value.png` });
  });

  it('shows the compile error of a cell at its line and column', async () => {
    await run(1, 'const fine = 1;\nconst broken = ;');

    await output(1).getByText('Compile error at 2:16').waitFor();
    await expect(output(1).textContent()).resolves.toContain('Unexpected ";"');
  });

  it('puts what a spawned process prints after its cell finished under that cell', async () => {
    await run(
      1,
      "spawn(async () => {\n  await sleep(1500);\n  IO.puts('late hello');\n});\nIO.puts('cell done');",
    );
    await finished(1);
    await expect(printed(1)).resolves.toBe('cell done\n');

    await run(2, "IO.puts('second cell')");
    await output(1).getByText('late hello').waitFor({ timeout: 5000 });
    await expect(printed(1)).resolves.toBe('cell done\nlate hello\n');
    await expect(printed(2)).resolves.toBe('second cell\n');
    await cell(1).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/cell-late-output.png` });
  });

  it('stops a runaway cell with the loop guard, then runs the next cell', async () => {
    await run(1, 'while (true) {}');
    await cell(1).getByRole('button', { name: 'Stop cell 1', exact: true }).waitFor();

    await output(1).getByText('Evaluator exited').waitFor({ timeout: 10_000 });
    await expect(output(1).locator('.cell-output__text--stderr').textContent()).resolves.toMatch(
      /stopped by the loop guard/,
    );
    await cell(1).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENSHOTS}/cell-runaway.png` });

    await run(2, '1 + 1');
    await output(2).getByText('2', { exact: true }).waitFor();
  });

  it('stops a waiting cell with the Stop button', async () => {
    await run(1, 'await receive()');
    await cell(1).getByRole('button', { name: 'Stop cell 1', exact: true }).click();

    await output(1).getByText('Stopped', { exact: true }).waitFor();
    await run(2, "['still', 'here']");
    await output(2).getByText("['still', 'here']").waitFor();
  });

  it('restarts the runtime on request, forgetting every binding', async () => {
    await run(1, 'const kept = 1;');
    await finished(1);
    await page.getByRole('button', { name: 'Restart runtime' }).click();
    await page.getByText('The runtime was restarted: every process and binding is gone.').waitFor();

    await run(2, 'kept');
    await output(2).getByText('ReferenceError: kept is not defined').waitFor();
  });

  it('replaces a worker that hangs where the loop guard cannot see, and says so', async () => {
    // Catastrophic backtracking: one call into the regex engine that does not return for ages.
    await run(1, "/^(a+)+$/.test('a'.repeat(40) + 'b')");

    await page
      .getByRole('alert')
      .getByText(/stopped answering and was restarted/)
      .waitFor();
    await output(1)
      .getByText(/bindings were lost/)
      .waitFor();
    await page.getByRole('status').getByText('Runtime ready').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/cell-hang-replaced.png` });

    await run(2, "['fresh', 'worker']");
    await output(2).getByText("['fresh', 'worker']").waitFor();
  });
});
