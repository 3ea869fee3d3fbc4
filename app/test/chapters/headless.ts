/**
 * Runs one chapter file headless, the way `npm run chapters:check` does: parse it, then run its
 * cells in a run session on a fresh virtual-time runtime and compare them with its expectations.
 * A thin adapter: the session and the check are the engine's; this file only supplies Node's
 * esbuild, timers and clock.
 */
import * as esbuild from 'esbuild-wasm';
import { createRuntime } from '../../../runtime/index';
import type { ChapterCheckOptions, SessionHost } from '../../engine/index';
import { checkChapterText, formatCheckReport } from '../../engine/index';

/** Node's side of a headless session: esbuild's Node API, Node's timers and clock. */
export const nodeSessionHost: SessionHost = {
  createRuntime: () => createRuntime({ clock: 'virtual' }),
  transform: async (source) =>
    (await esbuild.transform(source, { loader: 'ts', format: 'esm', target: 'es2022' })).code,
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The outcome of checking a chapter: `report` is empty when it passed. */
export interface ChapterReport {
  readonly passed: boolean;
  readonly report: string;
}

/** Parses and runs the chapter `text` (from `path`, used in the report). */
export async function checkChapterFile(
  text: string,
  path: string,
  options: ChapterCheckOptions = {},
): Promise<ChapterReport> {
  const report = await checkChapterText(text, path, nodeSessionHost, options);
  const passed = report.kind === 'checked' && report.failures.length === 0;
  return { passed, report: formatCheckReport(path, report) };
}
