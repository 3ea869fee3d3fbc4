/**
 * Runs a parsed chapter's cells in order in one run session and compares what they showed with
 * the chapter's ```expect blocks. Every difference is collected (not just the first), so one run
 * of the chapter check shows everything that is wrong with a chapter.
 *
 * Framework-free: Node runs it for `npm run chapters:check` (app/test/chapters/headless.ts hands
 * it a virtual-time runtime and Node's timers); the page could run it too. Stopping a cell that
 * takes too long is the session's job, as it is in the worker.
 */
import type { CellBlock, ChapterError, Expectation, ParsedChapter } from './chapterFormat';
import { cellKey, chapterCells, parseChapter } from './chapterFormat';
import type { CellResult, OutputStream } from './protocol';
import type { SessionHost } from './session';
import { Session } from './session';
import { exerciseFailures } from './exerciseValidation';

/** One expectation a chapter did not meet. */
export interface ChapterFailure {
  /** Line of the cell's opening fence. */
  readonly cellLine: number;
  /** Line of the expectation (the status line, or the cell's fence when it has no expect block). */
  readonly line: number;
  readonly key: string;
  readonly expected: string;
  readonly actual: string;
}

/** Limits of a chapter check. */
export interface ChapterCheckOptions {
  /**
   * Real milliseconds a cell may take before it is stopped and reported (default 10,000). In
   * virtual time a correct cell takes milliseconds; one that waits for a message that never comes
   * would otherwise wait forever.
   */
  readonly cellTimeoutMs?: number;
  /** Real milliseconds to wait, after the last cell, for the runtime to go idle (default 5,000). */
  readonly settleTimeoutMs?: number;
}

/** Each cell's output so far, by cell and stream. */
class OutputCollector {
  private readonly texts = new Map<string, string>();

  add(cellId: string, stream: OutputStream, text: string): void {
    const key = `${cellId}\u0000${stream}`;
    this.texts.set(key, (this.texts.get(key) ?? '') + text);
  }

  /** Everything `cellId` (and the processes it started) wrote to `stream` so far. */
  text(cellId: string, stream: OutputStream): string {
    return this.texts.get(`${cellId}\u0000${stream}`) ?? '';
  }
}

/**
 * Runs the chapter in a fresh session on `host` (whose runtime should use the virtual clock) and
 * returns the differences; the session is closed afterwards.
 */
export async function checkChapter(
  chapter: ParsedChapter,
  host: SessionHost,
  options: ChapterCheckOptions = {},
): Promise<ChapterFailure[]> {
  const collector = new OutputCollector();
  const session = new Session({
    ...host,
    timeOnlyInCells: true,
    cellTimeoutMs: options.cellTimeoutMs ?? 10_000,
    onEvent: (event) => {
      if (event.type !== 'cell/output') return;
      for (const chunk of event.chunks) collector.add(chunk.cellId, chunk.stream, chunk.text);
    },
  });
  try {
    return await checkInSession(chapter, session, collector, options);
  } finally {
    session.dispose();
  }
}

async function checkInSession(
  chapter: ParsedChapter,
  session: Session,
  collector: OutputCollector,
  options: ChapterCheckOptions,
): Promise<ChapterFailure[]> {
  const failures: ChapterFailure[] = [];
  const values = new Map<string, string | null>();
  const cells = chapterCells(chapter);

  for (const block of chapter.blocks) {
    if (block.kind === 'exercise') {
      const run = (cellId: string, source: string) => session.run(cellId, source);
      failures.push(...(await exerciseFailures(block.exercise, run)));
      continue;
    }
    if (block.kind !== 'cell') continue;
    const cell = block;
    const run = await session.run(cellKey(cell), cell.source);
    if (cell.id !== null) values.set(cell.id, run.status === 'ok' ? run.value : null);
    const expected = cell.expect?.status ?? 'ok';
    if (run.status !== expected) {
      failures.push({
        cellLine: cell.line,
        line: cell.expect?.line ?? cell.line,
        key: 'status',
        expected,
        actual: describeRun(run, cell),
      });
      continue;
    }
    for (const check of cell.expect?.checks ?? []) {
      if (check.when !== 'cell') continue;
      const failure = compare(cell, check, actualOf(check, run, cell, collector), values);
      if (failure) failures.push(failure);
    }
  }

  const finalChecks = cells.flatMap((cell) =>
    (cell.expect?.checks ?? []).filter((c) => c.when === 'final').map((c) => [cell, c] as const),
  );
  if (finalChecks.length > 0) {
    const settled = await session.settle(options.settleTimeoutMs ?? 5_000);
    for (const [cell, check] of finalChecks) {
      const failure = compare(cell, check, actualOf(check, null, cell, collector), values);
      if (failure) {
        failures.push(
          settled
            ? failure
            : { ...failure, actual: `${failure.actual} (the runtime never went idle)` },
        );
      }
    }
  }
  return failures;
}

/**
 * What checking a chapter file gave: every problem of a malformed file (nothing ran), or every
 * expectation the chapter did not meet (empty: it passed). Plain data, so it crosses the worker
 * boundary as it is (`chapter/checked`).
 */
export type ChapterCheckReport =
  | { readonly kind: 'malformed'; readonly errors: readonly ChapterError[] }
  | { readonly kind: 'checked'; readonly failures: readonly ChapterFailure[] };

/**
 * Parses a chapter file strictly and, if it is well-formed, checks it: the one entry of the CLI
 * (`npm run chapters:check -- file.md`), the test suite's chapter check and the page's "Check
 * chapter" (run in the worker), so all three ask the same of a file.
 */
export async function checkChapterText(
  text: string,
  fileName: string,
  host: SessionHost,
  options: ChapterCheckOptions = {},
): Promise<ChapterCheckReport> {
  const parsed = parseChapter(text, fileName);
  if (!parsed.ok) return { kind: 'malformed', errors: parsed.errors };
  return { kind: 'checked', failures: await checkChapter(parsed.chapter, host, options) };
}

/** A report as text for a terminal: `file:line:column message` lines, or the failures. */
export function formatCheckReport(fileName: string, report: ChapterCheckReport): string {
  if (report.kind === 'malformed') {
    const lines = report.errors.map((e) => `${fileName}:${e.line}:${e.column} ${e.message}`);
    return `the chapter file is malformed:\n${lines.join('\n')}`;
  }
  return formatFailures(fileName, report.failures);
}

/** Formats failures for a test report: the file, the line, the expectation, expected vs actual. */
export function formatFailures(fileName: string, failures: readonly ChapterFailure[]): string {
  return failures
    .map(
      (f) =>
        `${fileName}:${f.line} (cell at line ${f.cellLine}) ${f.key}\n` +
        `  expected: ${f.expected}\n` +
        `  actual:   ${f.actual}`,
    )
    .join('\n\n');
}

/** The subject of a check; null for the value of a cell that showed none. */
function actualOf(
  check: Expectation,
  run: CellResult | null,
  cell: CellBlock,
  collector: OutputCollector,
): string | null {
  switch (check.subject) {
    case 'stdout':
    case 'stderr':
      return collector.text(cellKey(cell), check.subject);
    case 'value':
      return run?.status === 'ok' ? run.value : null;
    case 'reason':
      return run?.status === 'exit' ? run.reason : null;
    case 'error':
      if (run?.status === 'error') return run.message;
      return run?.status === 'compile_error' ? run.error.message : null;
  }
}

function compare(
  cell: CellBlock,
  check: Expectation,
  actual: string | null,
  values: ReadonlyMap<string, string | null>,
): ChapterFailure | null {
  const fail = (expected: string, shown = show(actual)): ChapterFailure => ({
    cellLine: cell.line,
    line: check.line,
    key: check.key,
    expected,
    actual: shown,
  });
  const isOutput = check.subject === 'stdout' || check.subject === 'stderr';
  const test = check.test;
  switch (test.kind) {
    case 'equals': {
      // Output is compared without its final newline, so `stdout: hello` matches "hello\n".
      const comparable = isOutput && actual !== null ? actual.replace(/\n$/, '') : actual;
      const wanted = test.text === '' && !isOutput ? null : test.text;
      return comparable === wanted ? null : fail(show(wanted));
    }
    case 'contains':
      return actual?.includes(test.text) ? null : fail(`text containing ${show(test.text)}`);
    case 'matches':
      return actual !== null && test.regex.test(actual)
        ? null
        : fail(`text matching ${test.regex.toString()}`);
    case 'same as':
    case 'differs from': {
      const other = values.get(test.cellId) ?? null;
      if (other === null) {
        return fail(
          `a value to compare with cell ${test.cellId}`,
          `cell ${test.cellId} showed none`,
        );
      }
      const same = actual === other;
      if (same === (test.kind === 'same as')) return null;
      return test.kind === 'same as'
        ? fail(`the value of cell ${test.cellId}, ${show(other)}`)
        : fail(`a value other than that of cell ${test.cellId}, ${show(other)}`);
    }
  }
}

function describeRun(run: CellResult, cell: CellBlock): string {
  switch (run.status) {
    case 'ok':
      return `ok, value ${show(run.value)}`;
    case 'error':
      return `error, ${show(run.message)}`;
    case 'exit':
      return `exit, reason ${run.reason}`;
    case 'compile_error':
      return `compile_error at line ${cell.line + run.error.line}: ${show(run.error.message)}`;
    case 'timeout':
      return 'the cell did not finish in time and was stopped';
    case 'cancelled':
      return 'the cell was stopped';
    case 'lost':
      return `lost, ${show(run.message)}`;
  }
}

/** Text as JSON, so newlines and surrounding spaces are visible; null when there is nothing. */
function show(text: string | null): string {
  return text === null ? '(nothing)' : JSON.stringify(text);
}
