/**
 * Driving a chapter's cells as a person does, whichever editor a cell shows: its code as a
 * static block, the plain textarea, or Monaco. A cell may swap its static block for Monaco at
 * any moment (when the page is idle), so nothing here holds on to an element that may vanish:
 * it clicks the editor's stable container and retries until the focus is in the editor.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const UI_WAIT = { timeout: 30_000 };

/** Cell `n` of the open chapter (1-based), as the page labels it. */
export const cellRegion = (page: Page, n: number) =>
  page.getByRole('region', { name: `Cell ${n}`, exact: true });

/** The code cell `n` shows, whichever editor shows it, one line per line with text. */
export async function cellCode(page: Page, n: number): Promise<string> {
  const text = await cellRegion(page, n)
    .locator('.code-editor')
    .evaluate((editor: HTMLElement) => {
      // Monaco reuses its line elements, so their order in the DOM is not the text's order:
      // read them by where they are drawn.
      const lines = [...editor.querySelectorAll<HTMLElement>('.view-lines .view-line')];
      if (lines.length === 0) return editor.innerText;
      const top = (line: HTMLElement) => parseFloat(line.style.top) || 0;
      return lines
        .sort((a, b) => top(a) - top(b))
        .map((line) => line.innerText)
        .join('\n');
    });
  // Editors draw spaces as no-break spaces, and empty lines each their own way.
  return text
    .replace(/\u00a0/g, ' ')
    .replace(/\u200b/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .join('\n');
}

/** Puts the keyboard focus in cell `n`'s editor, as a click would, and waits until it is there. */
export async function focusCellEditor(page: Page, n: number): Promise<void> {
  const cell = cellRegion(page, n);
  const inEditor = () =>
    page.evaluate((label) => {
      const active = document.activeElement;
      // The static block is labelled like an editor but takes no typing: only a live one counts.
      return (
        active?.closest('.cell')?.getAttribute('aria-label') === label &&
        active.closest('.code-editor:is([data-editor="monaco"], [data-editor="plain"])') !== null &&
        (active.tagName === 'TEXTAREA' || active.getAttribute('role') === 'textbox')
      );
    }, `Cell ${n}`);
  await expect
    .poll(async () => {
      if (await inEditor()) return true;
      // A live editor takes the click in its text; a static block wakes up into one.
      const monaco = cell.locator('.monaco-editor .view-lines');
      const plain = cell.locator('.code-editor[data-editor="plain"] textarea');
      const target =
        (await monaco.count()) > 0
          ? monaco
          : (await plain.count()) > 0
            ? plain
            : cell.locator('.code-editor');
      await target.click({ timeout: 5_000 }).catch(() => undefined);
      return inEditor();
    }, UI_WAIT)
    .toBe(true);
}

/**
 * Replaces cell `n`'s code: select all, then paste the new text, as a person pasting would
 * (typed text would get Monaco's auto-indent and closing brackets), and waits until the cell
 * shows it.
 */
export async function replaceCellCode(page: Page, n: number, code: string): Promise<void> {
  await focusCellEditor(page, n);
  await page.keyboard.press('ControlOrMeta+A');
  const pasted = await page.evaluate((text) => {
    const active = document.activeElement;
    if (!active?.closest('.monaco-editor')) return false;
    const data = new DataTransfer();
    data.setData('text/plain', text);
    active.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
    return true;
  }, code);
  // A plain textarea ignores a synthetic paste, and adds nothing of its own to typed text.
  if (!pasted) await page.keyboard.insertText(code);
  // Compared without whitespace: an editor draws indentation its own way.
  const bare = (text: string) => text.replace(/\s+/g, '');
  await expect.poll(async () => bare(await cellCode(page, n)), UI_WAIT).toBe(bare(code));
}

/** Waits until cell `n` has no run pending and shows how its latest run ended. */
export async function cellFinished(page: Page, n: number): Promise<void> {
  await expect
    .poll(
      () =>
        cellRegion(page, n).evaluate(
          (cell) => cell.getAttribute('data-phase') === 'idle' && cell.hasAttribute('data-outcome'),
        ),
      UI_WAIT,
    )
    .toBe(true);
}

/** The output area under cell `n`. */
export const cellOutput = (page: Page, n: number) =>
  page.getByRole('log', { name: `Output of cell ${n}`, exact: true });

/** Presses cell `n`'s Run button. */
export async function clickRun(page: Page, n: number): Promise<void> {
  await cellRegion(page, n)
    .getByRole('button', { name: `Run cell ${n}`, exact: true })
    .click();
}

/** Types `code` into cell `n` and runs it. */
export async function runCellCode(page: Page, n: number, code: string): Promise<void> {
  await replaceCellCode(page, n, code);
  await clickRun(page, n);
}

/** The text cell `n` and its processes printed, as drawn (only one stream if given). */
export async function cellPrinted(
  page: Page,
  n: number,
  stream?: 'stdout' | 'stderr',
): Promise<string> {
  const texts = cellOutput(page, n).locator(
    stream ? `.cell-output__text--${stream}` : '.cell-output__text',
  );
  return (await texts.allTextContents()).join('');
}
