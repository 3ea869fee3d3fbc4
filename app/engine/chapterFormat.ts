/**
 * The chapter file format: front matter, Markdown, ```ts cells, ```mermaid diagrams and
 * ```expect blocks that say what the cell before them must show (chapters/README.md documents it
 * for instructors). The parser is strict and reports every problem with its line and column, so a
 * typo in an expectation fails the chapter check loudly instead of silently checking nothing.
 *
 * One parser for everyone: the chapter check runs what `parseChapter` returns, and the page
 * (app/chapters/chapterCatalog.ts, app/markdown/chapterSegments.ts) draws the blocks
 * `readChapter` returns, so what the page shows as cells is exactly what the check runs.
 * `readChapter` is the tolerant reading (every block it could read, plus the problems), which a
 * page needs to show a chapter with a typo; `parseChapter` is the strict one (no problems or no
 * chapter), which a check needs.
 *
 * Framework-free and DOM-free: it runs on the page, in the worker and in Node alike.
 */
import type { ChapterMeta, FrontMatterResult } from './frontMatter';
import { parseFrontMatter } from './frontMatter';
import type { Exercise, ExercisePart } from './exerciseFormat';
import { assembleExercises, readExerciseFence } from './exerciseFormat';

/** A problem in a chapter file; line and column are 1-based positions in the whole file. */
export interface ChapterError {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** The statuses a cell run can be expected to end with (a subset of the protocol's CellResult). */
export type CellStatus = 'ok' | 'error' | 'exit' | 'compile_error';

const STATUSES: readonly CellStatus[] = ['ok', 'error', 'exit', 'compile_error'];

/** What an expectation looks at: the shown value, an output stream, the exit reason, the error. */
export type ExpectationSubject = 'value' | 'stdout' | 'stderr' | 'reason' | 'error';

/** How the subject is compared. */
export type ExpectationTest =
  | { readonly kind: 'equals'; readonly text: string }
  | { readonly kind: 'contains'; readonly text: string }
  | { readonly kind: 'matches'; readonly regex: RegExp }
  | { readonly kind: 'same as' | 'differs from'; readonly cellId: string };

/** One line of an expect block (status lines excepted). */
export interface Expectation {
  /** The key as written, normalised: `stdout contains`, `final stderr matches`, ... */
  readonly key: string;
  readonly line: number;
  /** Column of the key, for messages. */
  readonly column: number;
  /** 'cell': checked when the cell finishes; 'final': once the whole chapter has run. */
  readonly when: 'cell' | 'final';
  readonly subject: ExpectationSubject;
  readonly test: ExpectationTest;
}

/** The expect block of a cell. */
export interface CellExpectations {
  /** Line of the opening fence. */
  readonly line: number;
  readonly status: CellStatus;
  readonly checks: readonly Expectation[];
}

export interface MarkdownBlock {
  readonly kind: 'markdown';
  readonly line: number;
  readonly text: string;
}

export interface CellBlock {
  readonly kind: 'cell';
  /** Line of the opening fence; the source starts on the next line. */
  readonly line: number;
  /**
   * Last line of the block: its closing fence, or its last source line when the fence is never
   * closed. With `line` it locates the source in the file (the export writer replaces it there).
   */
  readonly end: number;
  /** From the fence (```ts id=restart), or null. */
  readonly id: string | null;
  readonly source: string;
  /** Null when the chapter states nothing: the cell must then simply end with status ok. */
  readonly expect: CellExpectations | null;
}

export interface MermaidBlock {
  readonly kind: 'mermaid';
  readonly line: number;
  readonly source: string;
}

/** An exercise (exerciseFormat.ts), where its ```ts exercise=ID cell stands. */
export interface ExerciseBlock {
  readonly kind: 'exercise';
  /** Line of the exercise cell's opening fence. */
  readonly line: number;
  /** Last line of the exercise cell, as `CellBlock.end`. */
  readonly end: number;
  readonly exercise: Exercise;
}

export type ChapterBlock = MarkdownBlock | CellBlock | MermaidBlock | ExerciseBlock;

export interface ParsedChapter {
  readonly fileName: string;
  readonly meta: ChapterMeta;
  readonly blocks: readonly ChapterBlock[];
}

/** A chapter file read tolerantly: its front matter, every block that could be read, the problems. */
export interface ChapterRead {
  readonly front: FrontMatterResult;
  readonly blocks: readonly ChapterBlock[];
  /** Every problem, in file order; empty when the file is well-formed. */
  readonly errors: readonly ChapterError[];
}

export type ChapterParseResult =
  | { readonly ok: true; readonly chapter: ParsedChapter }
  | { readonly ok: false; readonly errors: readonly ChapterError[] };

/** The cells of a chapter, in order. */
export function chapterCells(chapter: ParsedChapter): CellBlock[] {
  return chapter.blocks.filter((block): block is CellBlock => block.kind === 'cell');
}

/** The id the engine runs a cell under: its own id, or one made from its line. */
export function cellKey(cell: CellBlock): string {
  return cell.id ?? `@${cell.line}`;
}

const CELL_ID = /^[A-Za-z][\w-]*$/;
const OPENING_FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;

/** Parses a chapter file strictly: the chapter if it has no problem, else every problem. */
export function parseChapter(text: string, fileName: string): ChapterParseResult {
  const { front, blocks, errors } = readChapter(text);
  if (errors.length > 0 || !front.ok) return { ok: false, errors };
  return { ok: true, chapter: { fileName, meta: front.meta, blocks } };
}

/**
 * Reads a chapter file tolerantly: blocks are read past problems (a fence left open runs to the
 * end of the file, as in CommonMark), and the problems are listed with their lines.
 */
export function readChapter(text: string): ChapterRead {
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = source.split('\n');
  const errors: ChapterError[] = [];

  const front = parseFrontMatter(source);
  // The body is the tail of the file, so its first line's number follows from the line counts.
  const bodyLines = front.body.split('\n');
  const firstBodyLine = lines.length - bodyLines.length + 1;
  if (!front.ok) {
    for (const problem of front.problems) errors.push(locateFrontMatterProblem(problem, lines));
  }

  const reader = new BlockReader(bodyLines, firstBodyLine, errors);
  const blocks = withExercises(reader.read(), reader.exerciseParts, errors);
  checkCellReferences(blocks, errors);
  errors.sort((a, b) => a.line - b.line || a.column - b.column);
  return { front, blocks, errors };
}

/** Finds the line a front matter problem is about: the line it names, its field, or line 1. */
function locateFrontMatterProblem(problem: string, lines: string[]): ChapterError {
  const message = `front matter: ${problem}`;
  const numbered = /line (\d+)/.exec(problem);
  if (numbered) return { line: Number(numbered[1]), column: 1, message };
  const field = /^(title|part|order)\b/.exec(problem)?.[1];
  if (field && lines[0]?.trim() === '---') {
    for (let i = 1; i < lines.length && lines[i]!.trim() !== '---'; i++) {
      if (new RegExp(`^\\s*${field}\\s*:`).test(lines[i]!))
        return { line: i + 1, column: 1, message };
    }
  }
  return { line: 1, column: 1, message };
}

interface Fence {
  readonly line: number;
  /** Line of the closing fence, or of the last content line when it is never closed. */
  readonly end: number;
  readonly indent: number;
  readonly marker: string;
  readonly info: string;
  readonly infoColumn: number;
  readonly content: string[];
}

/** Splits the body into blocks, one fence at a time. */
class BlockReader {
  private readonly blocks: ChapterBlock[] = [];
  private markdown: string[] = [];
  private markdownLine = 0;
  /** The last cell, while nothing but blank lines followed it; an expect block may attach to it. */
  private openCell: { index: number; cell: CellBlock } | null = null;
  /** Exercise parts in file order; `withExercises` puts them together. */
  readonly exerciseParts: ExercisePart[] = [];

  constructor(
    private readonly lines: string[],
    private readonly firstLine: number,
    private readonly errors: ChapterError[],
  ) {}

  read(): ChapterBlock[] {
    let i = 0;
    while (i < this.lines.length) {
      const lineNo = this.firstLine + i;
      const raw = this.lines[i]!;
      const opening = OPENING_FENCE.exec(raw);
      if (!opening || (opening[2]!.startsWith('`') && opening[3]!.includes('`'))) {
        this.addMarkdownLine(raw, lineNo);
        i++;
        continue;
      }
      const [, indent, marker, info] = opening as unknown as [string, string, string, string];
      let closing = this.findClosing(i + 1, marker);
      const closed = closing !== -1;
      if (!closed) {
        this.errors.push({
          line: lineNo,
          column: indent.length + 1,
          message: `this ${marker} fence is never closed`,
        });
        // As in CommonMark, the block runs to the end of the file (its trailing blank lines
        // aside), so the rest stays readable.
        closing = this.lines.length;
        while (closing > i + 1 && this.lines[closing - 1]!.trim() === '') closing--;
      }
      const fence: Fence = {
        line: lineNo,
        end: this.firstLine + (closed ? closing : closing - 1),
        indent: indent.length,
        marker,
        info: info.trim(),
        infoColumn: indent.length + marker.length + (info.length - info.trimStart().length) + 1,
        content: this.lines.slice(i + 1, closing).map((l) => stripIndent(l, indent.length)),
      };
      this.addFence(fence, this.lines.slice(i, closing + 1));
      i = closing + 1;
    }
    return this.finish();
  }

  private findClosing(from: number, marker: string): number {
    const closing = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
    for (let j = from; j < this.lines.length; j++) if (closing.test(this.lines[j]!)) return j;
    return -1;
  }

  private addMarkdownLine(raw: string, lineNo: number): void {
    if (this.markdown.length === 0) this.markdownLine = lineNo;
    this.markdown.push(raw);
    if (raw.trim() !== '') this.openCell = null;
  }

  /** Ends the current Markdown block; blank lines around it are not part of it. */
  private flushMarkdown(): void {
    const first = this.markdown.findIndex((l) => l.trim() !== '');
    if (first !== -1) {
      let end = this.markdown.length;
      while (this.markdown[end - 1]!.trim() === '') end--;
      this.blocks.push({
        kind: 'markdown',
        line: this.markdownLine + first,
        text: this.markdown.slice(first, end).join('\n'),
      });
    }
    this.markdown = [];
  }

  private addFence(fence: Fence, rawLines: string[]): void {
    const { language, options } = parseFenceInfo(fence.info);
    if (language === 'expect') {
      this.flushMarkdown();
      this.addExpect(fence, options);
      return;
    }
    const exercisePart = readExerciseFence(language, options);
    if (exercisePart !== null) {
      this.flushMarkdown();
      this.openCell = null;
      if (!exercisePart.ok) {
        this.errors.push({
          line: fence.line,
          column: fence.infoColumn,
          message: exercisePart.message,
        });
        return;
      }
      const { role, id } = exercisePart;
      const text = fence.content.join('\n');
      this.exerciseParts.push({ role, id, line: fence.line, text });
      if (role === 'exercise') {
        const exercise = {
          id,
          line: fence.line,
          starter: text,
          check: '',
          solution: '',
          hints: [],
        };
        this.blocks.push({ kind: 'exercise', line: fence.line, end: fence.end, exercise });
      }
      return;
    }
    if (language === 'ts') {
      this.flushMarkdown();
      const cell: CellBlock = {
        kind: 'cell',
        line: fence.line,
        end: fence.end,
        id: this.readCellOptions(fence, options),
        source: fence.content.join('\n'),
        expect: null,
      };
      this.blocks.push(cell);
      this.openCell = { index: this.blocks.length - 1, cell };
      return;
    }
    this.openCell = null;
    if (language === 'mermaid') {
      this.flushMarkdown();
      this.blocks.push({ kind: 'mermaid', line: fence.line, source: fence.content.join('\n') });
      return;
    }
    // Any other fenced block (```sh, ```text, ...) is plain Markdown.
    rawLines.forEach((raw, k) => this.addMarkdownLine(raw, fence.line + k));
  }

  /** The options of a ```ts fence (today only `id=<name>`), each problem located on the fence. */
  private readCellOptions(fence: Fence, options: string[]): string | null {
    let id: string | null = null;
    for (const option of options) {
      const column = fence.infoColumn + fence.info.indexOf(option);
      const match = /^id=(.*)$/.exec(option);
      if (!match) {
        this.errors.push({
          line: fence.line,
          column,
          message: `unknown cell option "${option}": a ts cell takes only id=<name>`,
        });
      } else if (!CELL_ID.test(match[1]!)) {
        this.errors.push({
          line: fence.line,
          column,
          message: `cell id "${match[1]}" must start with a letter and use only letters, digits, _ and -`,
        });
      } else if (id !== null) {
        this.errors.push({ line: fence.line, column, message: 'a cell has only one id' });
      } else {
        id = match[1]!;
      }
    }
    return id;
  }

  private addExpect(fence: Fence, options: string[]): void {
    if (options.length > 0) {
      this.errors.push({
        line: fence.line,
        column: fence.infoColumn + fence.info.indexOf(options[0]!),
        message: 'an expect block takes no options',
      });
    }
    const target = this.openCell;
    this.openCell = null;
    if (target === null) {
      this.errors.push({
        line: fence.line,
        column: fence.indent + 1,
        message: 'an expect block must come right after the ```ts cell it checks',
      });
      return;
    }
    if (target.cell.expect !== null) {
      this.errors.push({
        line: fence.line,
        column: fence.indent + 1,
        message: `the cell at line ${target.cell.line} already has an expect block`,
      });
      return;
    }
    const expect = parseExpectBlock(fence, this.errors);
    const cell: CellBlock = { ...target.cell, expect };
    this.blocks[target.index] = cell;
    // A second expect block right after this one is reported as a duplicate, not as orphaned.
    this.openCell = { index: target.index, cell };
  }

  private finish(): ChapterBlock[] {
    this.flushMarkdown();
    return this.blocks;
  }
}

/**
 * A fence's info string, split into its language and its options (```ts id=greet: `ts`,
 * [`id=greet`]). The one place fence info is split; what each language's options mean is read
 * where the block is made (`readCellOptions` for ```ts cells).
 */
export function parseFenceInfo(info: string): { language: string; options: string[] } {
  const [language = '', ...options] = info.split(/\s+/).filter((word) => word !== '');
  return { language, options };
}

function stripIndent(line: string, indent: number): string {
  let k = 0;
  while (k < indent && line[k] === ' ') k++;
  return line.slice(k);
}

/** The subjects, the comparisons each allows, and which may be checked at the end of a chapter. */
const TEXT_TESTS = ['', 'contains', 'matches'];
const KEYS: ReadonlyMap<string, { subject: ExpectationSubject; test: string; final: boolean }> =
  new Map(
    (
      [
        ['value', [...TEXT_TESTS, 'same as', 'differs from']],
        ['stdout', TEXT_TESTS],
        ['stderr', TEXT_TESTS],
        ['reason', TEXT_TESTS],
        ['error', TEXT_TESTS],
      ] as const
    ).flatMap(([subject, tests]) =>
      tests.flatMap((test) => {
        const key = test === '' ? subject : `${subject} ${test}`;
        const entries: [string, { subject: ExpectationSubject; test: string; final: boolean }][] = [
          [key, { subject, test, final: false }],
        ];
        if (subject === 'stdout' || subject === 'stderr') {
          entries.push([`final ${key}`, { subject, test, final: true }]);
        }
        return entries;
      }),
    ),
  );

/** Which statuses each subject makes sense for. */
const SUBJECT_STATUSES: Record<ExpectationSubject, readonly CellStatus[]> = {
  value: ['ok'],
  reason: ['exit'],
  error: ['error', 'compile_error'],
  stdout: STATUSES,
  stderr: STATUSES,
};

const KEY_LINE = /^([A-Za-z][A-Za-z ]*?)\s*:(.*)$/;
const REGEX_LITERAL = /^\/(.+)\/([a-z]*)$/s;
const ALLOWED_FLAGS = /^[imsu]*$/;

function parseExpectBlock(fence: Fence, errors: ChapterError[]): CellExpectations {
  let status: CellStatus = 'ok';
  let statusLine = 0;
  const checks: Expectation[] = [];
  const exactKeys = new Set<string>();
  const lines = fence.content;

  for (let k = 0; k < lines.length; k++) {
    const lineNo = fence.line + 1 + k;
    const raw = lines[k]!;
    const text = raw.trim();
    const column = fence.indent + (raw.length - raw.trimStart().length) + 1;
    if (text === '' || text.startsWith('#')) continue;
    if (text.startsWith('|')) {
      errors.push({
        line: lineNo,
        column,
        message: 'a | line continues a key with nothing after its colon, such as "stdout:"',
      });
      continue;
    }
    const match = KEY_LINE.exec(text);
    if (!match) {
      errors.push({ line: lineNo, column, message: 'expected "key: expected text"' });
      continue;
    }
    const key = match[1]!.replace(/\s+/g, ' ').trim();
    const rawValue = match[2]!;
    const value = rawValue.trim();
    const valueColumn =
      column + text.indexOf(':') + 1 + (rawValue.length - rawValue.trimStart().length);

    if (key === 'status') {
      if (statusLine !== 0) {
        errors.push({ line: lineNo, column, message: 'status is given twice' });
      } else if (!STATUSES.includes(value as CellStatus)) {
        errors.push({
          line: lineNo,
          column: valueColumn,
          message: `status must be one of ${STATUSES.join(', ')}, not "${value}"`,
        });
      } else {
        status = value as CellStatus;
        statusLine = lineNo;
      }
      continue;
    }

    const spec = KEYS.get(key);
    if (!spec) {
      errors.push({
        line: lineNo,
        column,
        message:
          `unknown expectation "${key}": the keys are status; value, stdout, stderr, reason ` +
          'and error, each alone or followed by "contains" or "matches"; "value same as" and ' +
          '"value differs from"; and "final" before any stdout or stderr key',
      });
      continue;
    }

    let test: ExpectationTest;
    if (spec.test === 'matches') {
      const regex = parseRegex(value, lineNo, valueColumn, errors);
      if (!regex) continue;
      test = { kind: 'matches', regex };
    } else if (spec.test === 'same as' || spec.test === 'differs from') {
      if (!CELL_ID.test(value)) {
        errors.push({
          line: lineNo,
          column: valueColumn,
          message: `"${key}" takes the id of an earlier cell (\`\`\`ts id=<name>)`,
        });
        continue;
      }
      test = { kind: spec.test, cellId: value };
    } else {
      let expected = value;
      if (value === '') {
        // key: followed by | lines is a multi-line text; without them it means "nothing".
        const block: string[] = [];
        while (k + 1 < lines.length && lines[k + 1]!.trim().startsWith('|')) {
          k++;
          block.push(lines[k]!.trim().replace(/^\| ?/, ''));
        }
        expected = block.join('\n');
      }
      if (spec.test === 'contains' && expected === '') {
        errors.push({ line: lineNo, column: valueColumn, message: `"${key}" needs a text` });
        continue;
      }
      if (spec.test === '') {
        if (exactKeys.has(key)) {
          errors.push({ line: lineNo, column, message: `"${key}" is given twice` });
          continue;
        }
        exactKeys.add(key);
      }
      test = { kind: spec.test === '' ? 'equals' : 'contains', text: expected };
    }
    checks.push({
      key,
      line: lineNo,
      column,
      when: spec.final ? 'final' : 'cell',
      subject: spec.subject,
      test,
    });
  }

  for (const check of checks) {
    if (!SUBJECT_STATUSES[check.subject].includes(status)) {
      errors.push({
        line: check.line,
        column: check.column,
        message: `"${check.key}" needs status ${SUBJECT_STATUSES[check.subject].join(' or ')}, but the cell is expected to end with status ${status}`,
      });
    }
  }
  return { line: fence.line, status, checks };
}

function parseRegex(
  value: string,
  line: number,
  column: number,
  errors: ChapterError[],
): RegExp | null {
  const literal = REGEX_LITERAL.exec(value);
  if (!literal) {
    errors.push({
      line,
      column,
      message: `expected a regular expression such as /text/i, not "${value}"`,
    });
    return null;
  }
  const [, body, flags] = literal as unknown as [string, string, string];
  if (!ALLOWED_FLAGS.test(flags)) {
    errors.push({
      line,
      column,
      message: `regular expression flags may only be i, m, s and u, not "${flags}"`,
    });
    return null;
  }
  try {
    return new RegExp(body, flags);
  } catch (e) {
    errors.push({ line, column, message: `bad regular expression: ${(e as Error).message}` });
    return null;
  }
}

/**
 * Fills each exercise block with its check, solution and hints; an exercise with problems is
 * dropped (the errors say why, so the file fails to parse anyway). An exercise id is also its
 * cell's id on the page, so it may not be a plain cell's id too.
 */
function withExercises(
  blocks: readonly ChapterBlock[],
  parts: readonly ExercisePart[],
  errors: ChapterError[],
): ChapterBlock[] {
  const { exercises, problems } = assembleExercises(parts);
  for (const problem of problems)
    errors.push({ line: problem.line, column: 1, message: problem.message });
  const byId = new Map(exercises.map((exercise) => [exercise.id, exercise]));
  const cellIds = new Set(
    blocks.flatMap((b) => (b.kind === 'cell' && b.id !== null ? [b.id] : [])),
  );
  return blocks.flatMap((block): ChapterBlock[] => {
    if (block.kind !== 'exercise') return [block];
    const exercise = byId.get(block.exercise.id);
    if (!exercise) {
      // Its check or solution is missing (reported): the page still shows the starter as a cell.
      const { id, starter } = block.exercise;
      return [
        { kind: 'cell', line: block.line, end: block.end, id, source: starter, expect: null },
      ];
    }
    // A second exercise with the same id was reported; only the first keeps its block.
    if (exercise.line !== block.line) return [];
    if (cellIds.has(exercise.id)) {
      errors.push({
        line: block.line,
        column: 1,
        message: `exercise id "${exercise.id}" is also the id of a cell`,
      });
    }
    return [{ ...block, exercise }];
  });
}

/** `value same as: x` and `value differs from: x` must name an earlier cell of the chapter. */
function checkCellReferences(blocks: readonly ChapterBlock[], errors: ChapterError[]): void {
  const seen = new Map<string, number>();
  for (const block of blocks) {
    if (block.kind !== 'cell') continue;
    for (const check of block.expect?.checks ?? []) {
      if (check.test.kind !== 'same as' && check.test.kind !== 'differs from') continue;
      if (check.test.cellId === block.id) {
        errors.push({
          line: check.line,
          column: check.column,
          message: `"${check.key}" names this same cell`,
        });
      } else if (!seen.has(check.test.cellId)) {
        errors.push({
          line: check.line,
          column: check.column,
          message: `no cell before this one has id=${check.test.cellId}`,
        });
      }
    }
    if (block.id === null) continue;
    const earlier = seen.get(block.id);
    if (earlier !== undefined) {
      errors.push({
        line: block.line,
        column: 1,
        message: `cell id "${block.id}" is already used by the cell at line ${earlier}`,
      });
    } else {
      seen.set(block.id, block.line);
    }
  }
}
