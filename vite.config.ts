import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { chapterIndexPlugin } from './scripts/chapterIndexPlugin.ts';
import { runtimeTypesPlugin } from './scripts/runtimeTypesPlugin.ts';
import { staticPagesPlugin } from './scripts/staticPagesPlugin.ts';

const chaptersDir = fileURLToPath(new URL('./chapters', import.meta.url));

/** The accent colour of the light theme (app/styles.css `--accent`): the installed app's bar. */
const THEME_COLOUR = '#6d32b8';

export default defineConfig({
  // Relative asset URLs let the same build run from any folder of any static host.
  base: './',
  plugins: [
    react(),
    staticPagesPlugin({ chaptersDir }),
    // The contents' data (titles, parts, counts) as `virtual:chapter-index`, read at build time.
    chapterIndexPlugin({ chaptersDir }),
    // The runtime's declarations for the cell editor, as `virtual:runtime-types`.
    runtimeTypesPlugin({
      rootDir: fileURLToPath(new URL('.', import.meta.url)),
      runtimeEntry: fileURLToPath(new URL('./runtime/index.ts', import.meta.url)),
      engineFile: fileURLToPath(new URL('./app/engine/notebookEngine.ts', import.meta.url)),
    }),
    // The site as an installable app that works offline after one visit (app/offline/).
    VitePWA({
      // A new deployment waits until the learner chooses to reload (app/offline/UpdatePrompt.tsx),
      // so a page never runs one version's code against another's files.
      registerType: 'prompt',
      // app/offline/serviceWorkerUpdates.ts registers the worker itself, against the page's
      // <base href>, so chapter pages in subfolders find the one at the site root.
      injectRegister: false,
      manifest: {
        name: 'Actorbook: actors, supervision and async work',
        short_name: 'Actorbook',
        description:
          'An interactive course on actors, supervision and async work, in TypeScript, in your browser.',
        // Relative to the manifest, which sits at the site root: the app is the site's folder.
        start_url: './',
        scope: './',
        display: 'standalone',
        theme_color: THEME_COLOUR,
        background_color: '#ffffff',
        lang: 'en',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: 'icons/icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
          { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        // Everything the build writes: every chapter page, the editor and its workers, the runtime
        // worker and the compiler's wasm, each with a revision (hashed names need none).
        globPatterns: ['**/*.{html,js,css,wasm,ttf,woff2,svg,png,webmanifest}'],
        globIgnores: ['**/node_modules/**', 'sw.js', 'workbox-*.js'],
        // esbuild.wasm is about 14 MB (3.7 MB gzipped); Workbox skips files over 2 MB by default.
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
        // A URL no page exists for gets 404.html, which finds the site root itself, as on the host.
        navigateFallback: '404.html',
        // A static host ignores query strings (`?projector`), so the cache does too.
        ignoreURLParametersMatching: [/.*/],
        // The first visit is served by the worker as soon as it is installed, so a learner who
        // loses the network on that very visit can still open another chapter.
        clientsClaim: true,
      },
    }),
  ],
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true },
  // The runtime worker is a module worker: it lazy-loads esbuild-wasm as a chunk of its own.
  worker: { format: 'es' },
});
