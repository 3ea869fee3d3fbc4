/**
 * What every browser test file sets up the same way: one Chromium for the file, the folder the
 * screenshots go to, and a record of the page's uncaught errors (each test expects none).
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './chromium';

/** Where browser tests save the screenshots people look at (gitignored). */
export const SCREENSHOTS = 'test-results/browser';

/** Starts one Chromium before the file's tests and closes it after; call at the top level. */
export function chromiumForFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser)
      throw new Error('Chromium is not started yet (chromiumForFile starts it in beforeAll)');
    return browser;
  };
}

/** The page's uncaught errors, collected from now on. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
