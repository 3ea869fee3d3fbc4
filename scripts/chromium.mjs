// @ts-check
/**
 * The one way this repo starts Chromium: Debian's build (installed by scripts/ensure-chromium.sh)
 * through playwright-core, never a browser Playwright downloads. The flags keep Chromium from
 * calling out to a network it cannot reach. Used by the browser tests and the benchmarks.
 */
import process from 'node:process';
import { chromium } from 'playwright-core';

/** Where Chromium is; CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A headless Chromium with a fresh temporary profile; close it when done.
 * @param {string[]} [extraArgs] more command-line flags (the benchmarks expose gc(), say)
 * @returns {Promise<import('playwright-core').Browser>}
 */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...QUIET_FLAGS, ...extraArgs],
  });
}
