/**
 * Launches Debian's Chromium (installed by scripts/ensure-chromium.sh) through playwright-core;
 * Playwright's own browser downloads are not used. Each launch gets a fresh temporary profile
 * from Playwright; the flags keep Chromium from calling out to a network it cannot reach.
 */
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium for one test file; close it in afterAll. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: QUIET_FLAGS });
}
