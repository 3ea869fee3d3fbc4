/**
 * Runs a parsed chapter's cells in order on one engine and compares what they showed with the
 * chapter's ```expect blocks. Every difference is collected (not just the first), so one run of
 * the chapter check shows everything that is wrong with a chapter.
 *
 * Framework-free: Node runs it for `npm run chapters:check`; the page could run it too.
 */
import type { CellOutput, CellRun, NotebookEngine } from './notebookEngine';
import type { CellBlock, Expectation, ParsedChapter } from './chapterFormat';
import { cellKey, chapterCells } from './chapterFormat';
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

/** Collects each cell's output; pass `collector.onOutput` as the engine's `onOutput`. */
export class OutputCollector {
  private readonly texts = new Map<string, string>();

  readonly onOutput = (output: CellOutput): void => {
    const key = `${output.cellId}\u0000${output.stream}`;
    this.texts.set(key, (this.texts.get(key) ?? '') + output.text);
  };

  /** Everything `cellId` (and the processes it started) wrote to `stream` so far. */
  text(cellId: string, stream: 'stdout' | 'stderr'): string {
    return this.texts.get(`${cellId}\u0000${stream}`) ?? '';
  }
}

/** Runs the chapter on `engine`, whose output must go to `collector`; returns the differences. */
export async function checkChapter(
  chapter: ParsedChapter,
  engine: NotebookEngine,
  collector: OutputCollector,
  options: ChapterCheckOptions = {},
): Promise<ChapterFailure[]> {
  const failures: ChapterFailure[] = [];
  const values = new Map<string, string | null>();
  const cells = chapterCells(chapter);

  for (const block of chapter.blocks) {
    if (block.kind === 'exercise') {
      const run = (cellId: string, source: string) =>
        runWithTimeout(engine, cellId, source, options.cellTimeoutMs ?? 10_000);
      failures.push(...(await exerciseFailures(block.exercise, run)));
      continue;
    }
    if (block.kind !== 'cell') continue;
    const cell = block;
    const run = await runWithTimeout(
      engine,
      cellKey(cell),
      cell.source,
      options.cellTimeoutMs ?? 10_000,
    );
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
    const settled = await settle(engine, options.settleTimeoutMs ?? 5_000);
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

async function runWithTimeout(
  engine: NotebookEngine,
  cellId: string,
  source: string,
  timeoutMs: number,
): Promise<CellRun | { status: 'timeout' }> {
  const running = engine.runCell(cellId, source);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const first = await Promise.race([running, timedOut]);
  clearTimeout(timer);
  if (first !== 'timeout') return first;
  engine.cancel();
  await running;
  return { status: 'timeout' };
}

async function settle(engine: NotebookEngine, timeoutMs: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  engine.holdTime(false); // after the last cell, let pending timers run out
  const idle = engine.runtime.whenIdle().then(() => true);
  const settled = await Promise.race([idle, timedOut]);
  clearTimeout(timer);
  return settled;
}

/** The subject of a check; null for the value of a cell that showed none. */
function actualOf(
  check: Expectation,
  run: CellRun | null,
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

function describeRun(run: CellRun | { status: 'timeout' }, cell: CellBlock): string {
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
  }
}

/** Text as JSON, so newlines and surrounding spaces are visible; null when there is nothing. */
function show(text: string | null): string {
  return text === null ? '(nothing)' : JSON.stringify(text);
}
