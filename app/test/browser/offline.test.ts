/**
 * The built site as an offline app, in Chromium, served under a folder of a plain static host:
 * one visit caches everything (every chapter, the editor and its workers, the runtime worker and
 * esbuild-wasm), after which the site reloads, opens another chapter and compiles and runs a
 * cell with the host gone and the browser offline. A second build served at the same URL shows
 * "New version available", keeps the old version running until Reload, and Reload brings the new
 * one with the learner's edits.
 *
 * Each test copies the build (dist/, made by globalSetup) into a folder of its own with a host of
 * its own, so closing a host or deploying over a folder never touches the other tests' site.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { SCREENSHOTS, chromiumForFile, watchPageErrors } from './browserSession';
import { cellFinished, cellRegion, replaceCellCode } from './cellDriver';
import type { StaticHost } from './staticHost';
import { startStaticHost } from './staticHost';
import { UPDATED_HEADING } from './updatedSite.config';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const PREFIX = '/courses/actorbook/';

const browser = chromiumForFile();
let context: BrowserContext | undefined;
let host: StaticHost | undefined;

afterEach(async () => {
  await context?.close();
  await host?.close();
  context = undefined;
  host = undefined;
});

/** A copy of a build in a folder of its own, served under PREFIX. */
async function serveCopy(
  build: string,
  cleanUrls: boolean,
): Promise<{ root: string; url: string }> {
  const root = await mkdtemp(path.join(tmpdir(), 'actorbook-offline-'));
  await cp(build, root, { recursive: true });
  host = await startStaticHost({ root, prefix: PREFIX, cleanUrls });
  return { root, url: host.url };
}

/** A page in a fresh profile, with its uncaught errors and failed requests recorded. */
async function freshPage() {
  context = await browser().newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const errors = watchPageErrors(page);
  const failed: string[] = [];
  page.on('requestfailed', (request) => {
    const why = request.failure()?.errorText ?? '';
    // Dropped by the page itself (a worker stopped while its script loads), not a cache miss.
    if (why !== 'net::ERR_ABORTED') failed.push(`${request.url()}: ${why}`);
  });
  return { page, errors, failed };
}

/** Waits until the service worker serves this page and the site is in its cache. */
async function waitUntilCached(page: Page): Promise<void> {
  await page.getByText('Ready to work offline.').waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

async function runCell(page: Page, n: number, code: string): Promise<void> {
  await replaceCellCode(page, n, code);
  await cellRegion(page, n)
    .getByRole('button', { name: `Run cell ${n}`, exact: true })
    .click();
  await cellFinished(page, n);
}

const output = (page: Page, n: number) =>
  page.getByRole('log', { name: `Output of cell ${n}`, exact: true });

describe('the course offline', { timeout: 300_000 }, () => {
  it('reloads, opens another chapter and runs a cell offline after one visit', async () => {
    const site = await serveCopy(path.join(repoRoot, 'dist'), false);
    const { page, errors, failed } = await freshPage();
    await page.goto(`${site.url}chapters/start`);
    await page.getByRole('heading', { level: 1, name: 'Start here' }).waitFor();
    await waitUntilCached(page);

    // No network at all: the host is gone and the browser is offline.
    await host!.close();
    host = undefined;
    await context!.setOffline(true);

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Start here' }).waitFor();
    // A full navigation to a chapter never opened, by the URL a link gives.
    await page.goto(`${site.url}chapters/links`);
    await page.getByRole('heading', { level: 1, name: 'Links and trapping exits' }).waitFor();
    await page.getByRole('status').getByText('Runtime ready').waitFor({ timeout: 60_000 });

    await runCell(page, 1, 'const answer: number = 6 * 7;\nanswer');
    await output(page, 1).getByText('42', { exact: true }).waitFor();
    await expect(output(page, 1).textContent()).resolves.toMatch(/^Value42$/);

    // And in place: the contents dialog and another chapter, through the app's own links.
    await page.keyboard.press('t');
    await page
      .getByRole('dialog', { name: 'Contents' })
      .getByRole('link', { name: 'Monitors and hibernation' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Monitors and hibernation' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/offline-chapter.png` });

    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
  });

  it('shows the update prompt for a new deployment and reloads into it with the edits kept', async () => {
    const nextBuild = await mkdtemp(path.join(tmpdir(), 'actorbook-next-'));
    // A child process, because Vitest sets NODE_ENV=test, which would give a development build.
    execFileSync(
      'npx',
      [
        'vite',
        'build',
        '--config',
        'app/test/browser/updatedSite.config.ts',
        '--outDir',
        nextBuild,
        '--emptyOutDir',
        '--logLevel',
        'warn',
      ],
      { cwd: repoRoot, env: { ...process.env, NODE_ENV: 'production' }, stdio: 'inherit' },
    );
    const site = await serveCopy(path.join(repoRoot, 'dist'), true);
    const { page, errors } = await freshPage();
    await page.goto(`${site.url}chapters/start`);
    await waitUntilCached(page);
    await page.getByRole('status').getByText('Runtime ready').waitFor({ timeout: 60_000 });
    await replaceCellCode(page, 1, "// mine, through the update\n'kept'");

    // The next deployment, over the same folder: same URLs, new files.
    await rm(site.root, { recursive: true, force: true });
    await cp(nextBuild, site.root, { recursive: true });
    await page.reload();

    const prompt = page.getByRole('status').filter({ hasText: 'New version available.' });
    await prompt.waitFor({ timeout: 120_000 });
    // Until the learner says so, the old version keeps running, whole.
    await page.getByRole('heading', { level: 1, name: 'Start here', exact: true }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/offline-update-prompt.png` });

    // Read at the back of a room, and in the dark theme: the prompt follows both.
    const header = page.getByRole('banner');
    await header.getByRole('button', { name: 'Projector' }).click();
    await page.screenshot({ path: `${SCREENSHOTS}/offline-update-prompt-projector.png` });
    await header.getByRole('button', { name: 'Projector' }).click();
    await header.getByRole('button', { name: 'Dark theme' }).click();
    await page.screenshot({ path: `${SCREENSHOTS}/offline-update-prompt-dark.png` });

    // "Later", then a reload: the new version still waits, and the prompt is back at once.
    await prompt.getByRole('button', { name: 'Later' }).click();
    await expect(prompt.count()).resolves.toBe(0);
    await page.reload();
    await prompt.waitFor();
    await page.getByRole('heading', { level: 1, name: 'Start here', exact: true }).waitFor();

    await prompt.getByRole('button', { name: 'Reload' }).click();
    await page.getByRole('heading', { level: 1, name: UPDATED_HEADING }).waitFor();
    await expect(prompt.count()).resolves.toBe(0);
    await expect
      .poll(() => cellRegion(page, 1).locator('.code-editor').innerText())
      .toContain('mine, through the update');

    expect(errors).toEqual([]);
  });
});
