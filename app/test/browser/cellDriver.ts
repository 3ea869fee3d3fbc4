/**
 * Driving a chapter's cells as a person does, whichever editor a cell shows (its code as a
 * static block, the plain textarea, or Monaco once it has loaded).
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const UI_WAIT = { timeout: 15_000 };

/** Cell `n` of the open chapter (1-based), as the page labels it. */
export const cellRegion = (page: Page, n: number) =>
  page.getByRole('region', { name: `Cell ${n}`, exact: true });

/** Puts the keyboard focus in cell `n`'s editor, as a click would, and waits until it is there. */
export async function focusCellEditor(page: Page, n: number): Promise<void> {
  const cell = cellRegion(page, n);
  const inEditor = () =>
    page.evaluate((label) => {
      const active = document.activeElement;
      return (
        active?.closest('.cell')?.getAttribute('aria-label') === label &&
        (active.tagName === 'TEXTAREA' || active.getAttribute('role') === 'textbox')
      );
    }, `Cell ${n}`);
  const live = cell.locator('.monaco-editor .view-lines');
  // A live editor is clicked in its text; a cell still showing its code as a block wakes up.
  const block = cell.locator('.code-editor__static');
  if ((await live.count()) > 0) await live.click();
  else if ((await block.count()) > 0) await block.click();
  await cell.locator('.code-editor:is([data-editor="monaco"], [data-editor="plain"])').waitFor();
  if (!(await inEditor())) {
    if ((await live.count()) > 0) await live.click();
    else await cell.locator('textarea').click();
  }
  await expect.poll(inEditor, UI_WAIT).toBe(true);
}

/**
 * Replaces cell `n`'s code (select all, then the new text inserted at once, so the editor adds
 * no auto-indent or closing brackets of its own).
 */
export async function replaceCellCode(page: Page, n: number, code: string): Promise<void> {
  await focusCellEditor(page, n);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(code);
}
