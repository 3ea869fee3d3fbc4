/** The browser tests start Chromium the way the whole repo does (scripts/chromium.mjs). */
export { launchChromium } from '../../../scripts/chromium.mjs';
