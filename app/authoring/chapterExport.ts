/**
 * Writes a chapter file with the learner's edits: the original text, byte for byte, except the
 * source lines of the edited cells, which are replaced where they stand. Everything else (front
 * matter, prose, expect blocks, an exercise's check, solution and hints, comments, spacing) is
 * kept as written, so an exported file reads back through the one chapter parser
 * (`readChapter`) as the same chapter with the learner's code in its cells.
 *
 * Why splice instead of re-serialising the parsed blocks: the parser keeps what the page and the
 * check need, not every byte an instructor wrote; splicing cannot lose what it never touched.
 * Pure and DOM-free, so it is unit-tested in Node.
 */
import type { ChapterBlock } from '../engine/index';
import { readChapter } from '../engine/index';
import { chapterSegments } from '../markdown/chapterSegments';

const OPENING_FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;

/** A cell block of the file with the page's id for it (`cell-3`, `greet`, an exercise id). */
export interface RunnableBlock {
  readonly kind: 'cell' | 'exercise';
  readonly id: string;
  readonly line: number;
  readonly end: number;
  readonly source: string;
}

/** The cells and exercises of a chapter's blocks, each with the id the page gives it. */
export function runnableBlocks(blocks: readonly ChapterBlock[]): RunnableBlock[] {
  const ids = chapterSegments(blocks).flatMap((segment) =>
    segment.kind === 'prose' ? [] : [segment.id],
  );
  const runnable = blocks.flatMap((block): Omit<RunnableBlock, 'id'>[] => {
    if (block.kind === 'cell') {
      return [{ kind: 'cell' as const, line: block.line, end: block.end, source: block.source }];
    }
    if (block.kind === 'exercise') {
      const { line, end, exercise } = block;
      return [{ kind: 'exercise' as const, line, end, source: exercise.starter }];
    }
    return [];
  });
  return runnable.map((block, i) => ({ ...block, id: ids[i]! }));
}

/**
 * The chapter `text` with each cell whose page id is in `sources` holding that source instead
 * of its own. Unknown ids are ignored; line endings (LF or CRLF) are kept.
 */
export function chapterWithEdits(text: string, sources: ReadonlyMap<string, string>): string {
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = normalised.split('\n');
  const edited = runnableBlocks(readChapter(normalised).blocks)
    .filter((block) => {
      const source = sources.get(block.id);
      return source !== undefined && source !== block.source;
    })
    // From the bottom up, so the line numbers of the blocks still to do stay right.
    .sort((a, b) => b.line - a.line);
  for (const block of edited) replaceSource(lines, block, sources.get(block.id)!);
  return lines.join(eol);
}

/** Replaces the source lines of one fenced block in `lines` (1-based `block.line`). */
function replaceSource(lines: string[], block: RunnableBlock, source: string): void {
  const opening = OPENING_FENCE.exec(lines[block.line - 1]!);
  if (!opening) return; // the parser found a fence here; a mismatch means nothing to replace
  const [, indent, marker, info] = opening as unknown as [string, string, string, string];
  const closesFence = closingFence(marker);
  const closed = block.end > block.line && closesFence.test(lines[block.end - 1]!);
  const sourceLines = source.split('\n');
  // A source line that would close the fence (a ``` inside a template string) gets a longer fence.
  const longest = Math.max(
    marker.length - 1,
    ...sourceLines.filter((l) => closesFence.test(l)).map((l) => l.trim().length),
  );
  const newMarker = marker[0]!.repeat(Math.max(marker.length, longest + 1));
  const body = sourceLines.map((l) => (l === '' ? l : indent + l));
  const closing = closed
    ? lines[block.end - 1]!.replace(marker[0]!.repeat(marker.length), newMarker)
    : `${indent}${newMarker}`;
  // The block is lines line..end (1-based), closing fence included when there is one.
  lines.splice(
    block.line - 1,
    block.end - block.line + 1,
    `${indent}${newMarker}${info}`,
    ...body,
    closing,
  );
}

/** Matches a line that closes a fence opened with `marker`. */
function closingFence(marker: string): RegExp {
  const char = marker[0] === '`' ? '`' : '~';
  return new RegExp(`^ {0,3}${char}{${marker.length},}\\s*$`);
}

/** The sources of a notebook's edited cells, by page id (what `chapterWithEdits` takes). */
export function editedSources(notebook: {
  readonly order: readonly string[];
  readonly cells: Readonly<Record<string, { readonly source: string; readonly original: string }>>;
}): Map<string, string> {
  const sources = new Map<string, string>();
  for (const id of notebook.order) {
    const cell = notebook.cells[id];
    if (cell && cell.source !== cell.original) sources.set(id, cell.source);
  }
  return sources;
}
