// @ts-check
// What the app benchmarks (coldLoad.mjs, panels.mjs, rewind.mjs) share: reading flags, the header
// that says which machine the figures come from, the static site they measure (built fresh with
// the repo's Vite config, or an existing build with --reuse), and running a cell on a page.
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { CHROMIUM_PATH } from '../../scripts/chromium.mjs';

/** The repository root. */
export const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

/** Prints one line of the report. */
export const say = (/** @type {string} */ line) => process.stdout.write(`${line}\n`);

/** The value after a command-line flag, e.g. `--runs 5`. */
export function argValue(/** @type {string} */ name) {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

/** Prints the title and the machine; exits quietly when there is no Chromium to measure with. */
export function benchHeader(/** @type {string} */ title) {
  say(`${title}, ${new Date().toISOString()}`);
  say(
    `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  if (!existsSync(CHROMIUM_PATH)) {
    say(`Skipped: ${CHROMIUM_PATH} is missing (bash scripts/ensure-chromium.sh installs it).`);
    process.exit(0);
  }
}

/**
 * Makes sure `outDir` holds the static site: builds it, or with `reuse` checks it is there.
 * @param {{ outDir: string, reuse: boolean }} options
 */
export async function prepareSite({ outDir, reuse }) {
  if (reuse) {
    if (!existsSync(join(outDir, 'index.html'))) {
      say(`No ${join(outDir, 'index.html')} to reuse: run npm run build first, or drop --reuse.`);
      process.exit(1);
    }
    say(`Serving the existing ${outDir}.`);
    return;
  }
  say('Building the static site…');
  await build({
    root,
    configFile: join(root, 'vite.config.ts'),
    mode: 'production',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}

/**
 * Serves the static site in `outDir` on a free port of 127.0.0.1 with the repo's Vite config.
 * @param {string} outDir
 */
export async function serveSite(outDir) {
  const server = await preview({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir },
    preview: { port: 0, strictPort: false },
  });
  return { server, siteUrl: server.resolvedUrls?.local[0] };
}

/**
 * A function that types `code` into cell `n` of the open chapter, runs it and returns its output.
 * @param {import('playwright-core').Page} page
 * @param {string} screenshotPath where to save the page when a cell gives no output
 */
export function cellRunner(page, screenshotPath) {
  const cell = (/** @type {number} */ n) =>
    page.getByRole('region', { name: `Cell ${n}`, exact: true });
  return async (/** @type {number} */ n, /** @type {string} */ code) => {
    await cell(n).locator('.code-editor').first().click();
    await cell(n).locator('.monaco-editor.focused').waitFor();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(code);
    await cell(n)
      .getByRole('button', { name: `Run cell ${n}`, exact: true })
      .click();
    await cell(n)
      .getByText(/Ran in|Failed/)
      .waitFor();
    const output = page.getByRole('log', { name: `Output of cell ${n}`, exact: true });
    if ((await output.count()) === 0) {
      await page.screenshot({ path: screenshotPath });
      throw new Error(`cell ${n} has no output: ${await cell(n).textContent()}`);
    }
    return (await output.textContent()) ?? '';
  };
}
