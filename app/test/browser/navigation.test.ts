import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { SCREENSHOTS, chromiumForFile, watchPageErrors } from './browserSession';

const siteUrl = inject('siteUrl');
const cleanUrlSiteUrl = inject('cleanUrlSiteUrl');
const previewUrl = inject('previewUrl');

let page: Page;
let pageErrors: string[];

const browser = chromiumForFile();

beforeEach(async () => {
  page = await browser().newPage({ viewport: { width: 1100, height: 760 } });
  page.setDefaultTimeout(10_000);
  pageErrors = watchPageErrors(page);
});

afterEach(async () => {
  await page.close();
  expect(pageErrors).toEqual([]);
});

function heading(name: string) {
  return page.getByRole('heading', { name, exact: true });
}

describe('the static build', () => {
  it('lists the chapters on the home page', async () => {
    await page.goto(siteUrl);
    await page.getByRole('navigation', { name: 'Chapters' }).waitFor();

    await expect(page.getByRole('link', { name: 'Start here' }).count()).resolves.toBe(1);
    await expect(page.getByRole('banner').textContent()).resolves.toContain('Actorbook');
    await page.screenshot({ path: `${SCREENSHOTS}/home.png`, fullPage: true });
  });

  it('opens a chapter from the list at its stable URL', async () => {
    await page.goto(siteUrl);
    await page.getByRole('link', { name: 'Start here' }).click();

    await heading('Start here').waitFor();
    expect(page.url()).toBe(`${siteUrl}chapters/start`);
    await expect(page.title()).resolves.toBe('Start here · Actorbook');
  });

  it('opens a chapter by a deep link and shows its cells as editable code', async () => {
    await page.goto(`${siteUrl}chapters/start`);

    await heading('Start here').waitFor();
    await expect(
      page.getByRole('textbox', { name: 'Code of cell 1', exact: true }).textContent(),
    ).resolves.toContain('spawn(');
    // Expect blocks are for the chapter check, never for readers.
    await expect(page.locator('code.language-expect').count()).resolves.toBe(0);
    await expect(page.getByText('value:').count()).resolves.toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/chapter.png`, fullPage: true });
  });

  it('opens a deep link on a host that serves chapters/x.html at chapters/x', async () => {
    await page.goto(`${cleanUrlSiteUrl}chapters/start`);

    await heading('Start here').waitFor();
    expect(page.url()).toBe(`${cleanUrlSiteUrl}chapters/start`);
    await page.getByRole('link', { name: 'Actorbook' }).click();
    await page.getByRole('link', { name: 'Start here' }).waitFor();
    expect(page.url()).toBe(cleanUrlSiteUrl);
  });

  it('goes back to the chapter list with the browser history', async () => {
    await page.goto(siteUrl);
    await page.getByRole('link', { name: 'Start here' }).click();
    await heading('Start here').waitFor();

    await page.goBack();
    await page.getByRole('navigation', { name: 'Chapters' }).waitFor();
    expect(page.url()).toBe(siteUrl);
  });

  it('shows the not-found page for an unknown address, with a link home', async () => {
    await page.goto(`${siteUrl}no/such/page`);

    await heading('Page not found').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/not-found.png`, fullPage: true });
    await page.getByRole('link', { name: 'Back to the chapters' }).click();
    await page.getByRole('link', { name: 'Start here' }).waitFor();
    expect(page.url()).toBe(siteUrl);
  });

  it('shows the not-found page for a chapter that does not exist', async () => {
    await page.goto(`${siteUrl}chapters/no-such-chapter`);

    await heading('Page not found').waitFor();
  });
});

describe('npm run preview', () => {
  it('serves the chapter list, deep links and the not-found page', async () => {
    await page.goto(previewUrl);
    await page.getByRole('link', { name: 'Start here' }).waitFor();

    await page.goto(`${previewUrl}chapters/start`);
    await heading('Start here').waitFor();

    await page.goto(`${previewUrl}no/such/page`);
    await heading('Page not found').waitFor();
  });
});
