/**
 * Runs one chapter file headless, the way `npm run chapters:check` does: parse it, then run its
 * cells on a fresh virtual-time runtime and engine and compare them with its expectations.
 */
import * as esbuild from 'esbuild-wasm';
import { createRuntime } from '../../../runtime/index';
import type { ChapterCheckOptions } from '../../engine/chapterCheck';
import { checkChapter, formatFailures, OutputCollector } from '../../engine/chapterCheck';
import { parseChapter } from '../../engine/chapterFormat';
import { NotebookEngine } from '../../engine/notebookEngine';

const transform = async (source: string) =>
  (await esbuild.transform(source, { loader: 'ts', format: 'esm', target: 'es2022' })).code;

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
  const parsed = parseChapter(text, path);
  if (!parsed.ok) {
    const report = parsed.errors
      .map((e) => `${path}:${e.line}:${e.column} ${e.message}`)
      .join('\n');
    return { passed: false, report: `the chapter file is malformed:\n${report}` };
  }
  const runtime = createRuntime({ clock: 'virtual' });
  const collector = new OutputCollector();
  const engine = new NotebookEngine({
    runtime,
    transform,
    onOutput: collector.onOutput,
    timeOnlyInCells: true,
  });
  try {
    const failures = await checkChapter(parsed.chapter, engine, collector, options);
    return { passed: failures.length === 0, report: formatFailures(path, failures) };
  } finally {
    runtime.shutdown();
  }
}
