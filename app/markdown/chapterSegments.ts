/**
 * Splits a chapter's Markdown into prose and runnable cells, without rendering anything: the page
 * renders each prose piece with renderMarkdownToSafeHtml, so this stays pure and Node-testable.
 */
import type { Tokens } from 'marked';
import { Lexer } from 'marked';
import type { Exercise, ExercisePart } from '../engine/exerciseFormat';
import { assembleExercises, readExerciseFence } from '../engine/exerciseFormat';
import { createHeadingSlugger, headingsIn, headingText } from './headingSlug';

/**
 * A piece of a chapter: Markdown prose, or a runnable cell. A prose piece carries the ids of its
 * headings, in order, numbered across the whole chapter so a repeated heading never shares an id.
 */
export type ChapterSegment =
  | { readonly kind: 'prose'; readonly markdown: string; readonly headingIds: readonly string[] }
  | { readonly kind: 'cell'; readonly id: string; readonly source: string }
  /** An exercise: a cell (id: the exercise's id, source: its starter) with a check, solution, hints. */
  | {
      readonly kind: 'exercise';
      readonly id: string;
      readonly source: string;
      readonly exercise: Exercise;
    };

/** Fenced blocks in these languages are runnable cells. */
const CELL_LANGUAGES = new Set(['ts']);
/** Fenced blocks in these languages are for machines (the chapter check), never shown. */
const HIDDEN_LANGUAGES = new Set(['expect']);
/** The `id=` option of a cell fence (chapters/README.md). */
const CELL_ID = /^id=[A-Za-z][\w-]*$/;

/**
 * Each ```ts block becomes a cell, ```expect blocks are dropped, everything else stays prose. A
 * cell's id is the one its fence gives (```ts id=greet), else `cell-<n>` with n its position
 * among the chapter's cells. Link reference definitions are repeated in every prose piece, so
 * `[text][ref]` links still resolve once the chapter is cut up.
 */
export function splitChapterMarkdown(source: string): ChapterSegment[] {
  const tokens = new Lexer({ gfm: true }).lex(source);
  const definitions = tokens
    .filter((token) => token.type === 'def')
    .map((token) => token.raw.trim())
    .join('\n');
  const segments: ChapterSegment[] = [];
  const ids = new Set<string>();
  const headingId = createHeadingSlugger();
  let prose = '';
  let headingIds: string[] = [];
  const exerciseParts: ExercisePart[] = [];
  const flushProse = () => {
    const text = prose.trim();
    if (text !== '') {
      segments.push({
        kind: 'prose',
        markdown: definitions ? `${text}\n\n${definitions}\n` : text,
        headingIds,
      });
    }
    prose = '';
    headingIds = [];
  };
  for (const token of tokens) {
    if (token.type === 'def') continue;
    if (token.type === 'code') {
      const code = token as Tokens.Code;
      const [language = '', ...options] = (code.lang ?? '').trim().split(/\s+/);
      if (HIDDEN_LANGUAGES.has(language)) continue;
      const part = readExerciseFence(language, options);
      if (part?.ok) {
        // Checks, solutions and hints are hidden; the exercise cell stands where its fence is.
        exerciseParts.push({ role: part.role, id: part.id, line: 0, text: code.text });
        if (part.role === 'exercise' && !ids.has(part.id)) {
          flushProse();
          ids.add(part.id);
          segments.push({ kind: 'cell', id: part.id, source: code.text });
        }
        continue;
      }
      if (CELL_LANGUAGES.has(language)) {
        flushProse();
        const given = options.find((option) => CELL_ID.test(option))?.slice('id='.length);
        const id = given && !ids.has(given) ? given : `cell-${ids.size + 1}`;
        ids.add(id);
        segments.push({ kind: 'cell', id, source: code.text });
        continue;
      }
    }
    prose += token.raw;
    for (const heading of headingsIn([token])) headingIds.push(headingId(headingText(heading)));
  }
  flushProse();
  return withExercises(segments, exerciseParts);
}

/**
 * Exercise cells with all their parts become exercise segments; one missing its check or
 * solution stays a plain cell (the chapter check reports it to the instructor).
 */
function withExercises(
  segments: ChapterSegment[],
  parts: readonly ExercisePart[],
): ChapterSegment[] {
  if (parts.length === 0) return segments;
  const exercises = new Map(assembleExercises(parts).exercises.map((e) => [e.id, e]));
  const starters = new Set(parts.filter((p) => p.role === 'exercise').map((p) => p.id));
  return segments.map((segment) => {
    const exercise =
      segment.kind === 'cell' && starters.has(segment.id) && exercises.get(segment.id);
    return exercise
      ? { kind: 'exercise', id: segment.id, source: segment.source, exercise }
      : segment;
  });
}
