/**
 * What the chapter page draws, in order, derived from the blocks the engine's chapter parser
 * read (`readChapter`, app/engine/chapterFormat.ts): the same parse the chapter check runs, so
 * the page's cells are exactly the check's. Nothing here splits the file again; it only prepares
 * prose for rendering (heading ids across the chapter, link definitions) and names the cells.
 * Pure and Node-testable: the page renders each Markdown part with renderMarkdownToSafeHtml.
 */
import type { Token } from 'marked';
import { Lexer } from 'marked';
import type { ChapterBlock, Exercise } from '../engine/index';
import { createHeadingSlugger, headingText, headingsIn } from './headingSlug';

/** A piece of prose: Markdown with the ids of its headings, or a ```mermaid diagram. */
export type ProsePart =
  | { readonly kind: 'markdown'; readonly markdown: string; readonly headingIds: readonly string[] }
  | { readonly kind: 'mermaid'; readonly source: string };

/**
 * A piece of a chapter: prose (Markdown and diagrams between two cells), or a runnable cell.
 * Heading ids are numbered across the whole chapter, so a repeated heading never shares an id.
 */
export type ChapterSegment =
  | { readonly kind: 'prose'; readonly parts: readonly ProsePart[] }
  | { readonly kind: 'cell'; readonly id: string; readonly source: string }
  /** An exercise: a cell (id: the exercise's id, source: its starter) with a check, solution, hints. */
  | {
      readonly kind: 'exercise';
      readonly id: string;
      readonly source: string;
      readonly exercise: Exercise;
    };

/**
 * Each cell block becomes a cell (its expectations are for the check and never shown), the
 * Markdown and diagrams between cells become one prose segment. A cell's id is the one its fence
 * gives (```ts id=greet), else `cell-<n>` with n its position among the chapter's cells; saved
 * edits and `#cell-` links use these ids. Link reference definitions are repeated in every
 * Markdown part, so `[text][ref]` links still resolve once the chapter is cut up.
 */
export function chapterSegments(blocks: readonly ChapterBlock[]): ChapterSegment[] {
  const lexed = blocks.map((block) =>
    block.kind === 'markdown' ? new Lexer({ gfm: true }).lex(block.text) : null,
  );
  const definitions = lexed
    .flatMap((tokens) => tokens ?? [])
    .filter((token) => token.type === 'def')
    .map((token) => token.raw.trim())
    .join('\n');
  const headingId = createHeadingSlugger();
  const segments: ChapterSegment[] = [];
  const ids = new Set<string>();
  let parts: ProsePart[] = [];
  let markdown = '';
  let headingIds: string[] = [];

  const endMarkdown = () => {
    const text = markdown.trim();
    if (text !== '') {
      parts.push({
        kind: 'markdown',
        markdown: definitions ? `${text}\n\n${definitions}\n` : text,
        headingIds,
      });
    }
    markdown = '';
    headingIds = [];
  };
  const endProse = () => {
    endMarkdown();
    if (parts.length > 0) segments.push({ kind: 'prose', parts });
    parts = [];
  };
  const addMarkdown = (tokens: readonly Token[]) => {
    const prose = tokens.filter((token) => token.type !== 'def');
    const text = prose
      .map((token) => token.raw)
      .join('')
      .trim();
    if (text === '') return;
    markdown = markdown === '' ? text : `${markdown}\n\n${text}`;
    for (const heading of headingsIn(prose)) headingIds.push(headingId(headingText(heading)));
  };

  blocks.forEach((block, index) => {
    switch (block.kind) {
      case 'markdown':
        addMarkdown(lexed[index]!);
        return;
      case 'mermaid':
        endMarkdown();
        parts.push({ kind: 'mermaid', source: block.source });
        return;
      case 'cell': {
        endProse();
        const id = block.id !== null && !ids.has(block.id) ? block.id : `cell-${ids.size + 1}`;
        ids.add(id);
        segments.push({ kind: 'cell', id, source: block.source });
        return;
      }
      case 'exercise': {
        // The check, solution and hints stay hidden; the exercise cell stands where its fence is.
        endProse();
        const { exercise } = block;
        ids.add(exercise.id);
        segments.push({ kind: 'exercise', id: exercise.id, source: exercise.starter, exercise });
        return;
      }
    }
  });
  endProse();
  return segments;
}

/** The number of runnable cells among a chapter's blocks (exercises are cells too), for progress. */
export function chapterCellCount(blocks: readonly ChapterBlock[]): number {
  return blocks.filter((block) => block.kind === 'cell' || block.kind === 'exercise').length;
}

/** The number of exercises among a chapter's blocks, for progress in the contents. */
export function chapterExerciseCount(blocks: readonly ChapterBlock[]): number {
  return blocks.filter((block) => block.kind === 'exercise').length;
}
