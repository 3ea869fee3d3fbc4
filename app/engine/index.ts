/**
 * The notebook engine's public entry: everything that runs cells (compiler adapter, evaluator,
 * I/O devices, `viz`, the run session) and the chapter format and check. It runs in the worker
 * and headless in Node, never on the page's main thread, so it has no DOM (see ARCHITECTURE.md).
 *
 * Code outside app/engine/ imports the engine through this file or through `protocol.ts` (the
 * wire vocabulary between the page and the worker); the other files may change shape freely.
 */
export type { BindingKind, TsTransform } from './cellCompiler';
export { esbuildTransform, startEsbuild } from './esbuildWasm';
export type { EngineOptions } from './notebookEngine';
export { NotebookEngine } from './notebookEngine';
export type { SessionEvent, SessionHost, SessionOptions } from './session';
export { LOST_TO_RESTART, Session } from './session';
export type { ChapterMeta, FrontMatterResult } from './frontMatter';
export { parseFrontMatter } from './frontMatter';
export type {
  CellBlock,
  CellExpectations,
  CellStatus,
  ChapterBlock,
  ChapterError,
  ChapterParseResult,
  ChapterRead,
  Expectation,
  ExpectationSubject,
  ExpectationTest,
  MarkdownBlock,
  MermaidBlock,
  ParsedChapter,
} from './chapterFormat';
export { cellKey, chapterCells, parseChapter, readChapter } from './chapterFormat';
export type { ExerciseBlock } from './chapterFormat';
export type { Exercise } from './exerciseFormat';
export { checkCellId, checkCellSource } from './exerciseFormat';
export type { ExerciseOutcome, RunEnd } from './exerciseRun';
export { checkOutcome, learnerOutcome } from './exerciseRun';
export type { ChapterCheckOptions, ChapterCheckReport, ChapterFailure } from './chapterCheck';
export { checkChapter, checkChapterText, formatCheckReport, formatFailures } from './chapterCheck';
