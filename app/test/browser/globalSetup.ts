/**
 * Builds the static site once, exactly as `npm run build` does, and serves it for every browser
 * test from two kinds of static host and from `vite preview`, so the tests exercise what gets
 * published and what the README tells people to run.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { preview } from 'vite';
import type { TestProject } from 'vitest/node';
import { startStaticHost } from './staticHost';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Root URL (ending in `/`) of the build on a host that maps folders to index.html. */
    siteUrl: string;
    /** Root URL of the same build on a host that also serves `x.html` at `x`. */
    cleanUrlSiteUrl: string;
    /** Root URL of the same build under `vite preview` (`npm run preview`). */
    previewUrl: string;
  }
}

// Not `/`: the build must work from any folder of a static host.
const SITE_PREFIX = '/courses/actorbook/';

export default async function setup(project: TestProject) {
  const repoRoot = path.resolve(import.meta.dirname, '../../..');
  // A child process, because Vitest sets NODE_ENV=test, which would give a development build.
  const env = { ...process.env, NODE_ENV: 'production' };
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, env, stdio: 'inherit' });

  const root = path.join(repoRoot, 'dist');
  const hosts = await Promise.all([
    startStaticHost({ root, prefix: SITE_PREFIX, cleanUrls: false }),
    startStaticHost({ root, prefix: SITE_PREFIX, cleanUrls: true }),
  ]);
  const previewServer = await preview({
    root: repoRoot,
    configFile: path.join(repoRoot, 'vite.config.ts'),
    logLevel: 'warn',
    preview: { port: 0, strictPort: false },
  });
  project.provide('siteUrl', hosts[0].url);
  project.provide('cleanUrlSiteUrl', hosts[1].url);
  project.provide('previewUrl', previewServer.resolvedUrls?.local[0] ?? '');
  return async () => {
    await Promise.all([...hosts.map((host) => host.close()), previewServer.close()]);
  };
}
