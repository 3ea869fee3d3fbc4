// @ts-check
// `node scripts/renderIcons.mjs`: draws the installed app's PNG icons from the SVGs in
// public/icons/ with headless Chromium, so the PNGs never drift from the drawings. Run it after
// changing an SVG and commit the PNGs (the build copies public/ as it is).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';

const icons = fileURLToPath(new URL('../public/icons/', import.meta.url));

/** The manifest's icons, and the home-screen icon iOS asks for. */
const OUTPUTS = [
  { svg: 'icon.svg', png: 'icon-192.png', size: 192 },
  { svg: 'icon.svg', png: 'icon-512.png', size: 512 },
  { svg: 'icon-maskable.svg', png: 'icon-maskable-512.png', size: 512 },
  { svg: 'icon-maskable.svg', png: 'apple-touch-icon.png', size: 180 },
];

const browser = await launchChromium();
try {
  const page = await browser.newPage();
  for (const { svg, png, size } of OUTPUTS) {
    const source = await readFile(join(icons, svg), 'utf8');
    const dataUrl = `data:image/svg+xml;base64,${Buffer.from(source).toString('base64')}`;
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<body style="margin:0;background:transparent"><img src="${dataUrl}" width="${size}" height="${size}" style="display:block"></body>`,
    );
    await page.locator('img').evaluate((img) => /** @type {HTMLImageElement} */ (img).decode());
    await writeFile(join(icons, png), await page.screenshot({ omitBackground: true }));
    process.stdout.write(`public/icons/${png} (${size}x${size})\n`);
  }
} finally {
  await browser.close();
}
