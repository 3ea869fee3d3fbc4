import type { ReactNode } from 'react';
import { Fragment, use, useCallback, useEffect, useLayoutEffect, useMemo } from 'react';
import type { Chapter } from '../chapters/chapterCatalog';
import { chapterLabel } from '../chapters/chapterCatalog';
import { partHeading } from '../chapters/courseParts';
import { loadChapter } from '../chapters/loadChapters';
import { ChapterProblems } from '../components/ChapterProblems';
import { ChapterToolbar } from '../components/ChapterToolbar';
import { ExerciseCell } from '../components/ExerciseCell';
import { NotebookCell } from '../components/NotebookCell';
import { PanelDock } from '../panels/ui/PanelDock';
import { Prose } from '../components/Prose';
import { RuntimeBar } from '../components/RuntimeBar';
import { chapterSegments } from '../markdown/chapterSegments';
import { Link } from '../routing/Link';
import { scrollToHash } from '../routing/scrollToHash';
import { SharedEditsBanner } from '../share/SharedEditsBanner';
import type { AppState } from '../store/appStore';
import { useAppStore } from '../store/appStore';
import { NotFoundPage } from './NotFoundPage';

/** One chapter: its prose, and its ```ts blocks as cells that run in the chapter's runtime. */
export function ChapterPage({ slug }: { slug: string }) {
  const chapter = use(loadChapter(slug));
  const title = chapter ? chapterLabel(chapter) : null;

  useEffect(() => {
    if (title !== null) document.title = `${title} · Actorbook`;
  }, [title]);

  if (!chapter) return <NotFoundPage />;
  return (
    <article className="chapter">
      <p className="chapter__crumbs">
        <Link to={{ name: 'home' }}>All chapters</Link>
        {chapter.meta && <span> · {partHeading(chapter.meta.part)}</span>}
      </p>
      <ChapterProblems chapter={chapter} />
      <ChapterNotebook key={chapter.slug} chapter={chapter} />
    </article>
  );
}

const selectOpenNotebook = (state: AppState) => state.openNotebook;
const selectStartRuntime = (state: AppState) => state.startRuntime;
const selectFlushSaves = (state: AppState) => state.flushSaves;

/**
 * The chapter's notebook: opens its cells in the store (with the learner's saved edits) before
 * the first paint, starts its runtime while the page is shown, and writes pending edits when
 * the page goes. The cells read their own state from the store. Also the notebook of a chapter
 * imported into the browser (app/authoring/), which shows its check results after each cell.
 */
export function ChapterNotebook({
  chapter,
  afterCell,
  chapterPage,
}: {
  chapter: Chapter;
  /** The page's URL relative to the site root, when it is not `chapters/<slug>`. */
  chapterPage?: string;
  /** Drawn right after a cell (by its id), e.g. the in-browser chapter check's result for it. */
  afterCell?: (cellId: string) => ReactNode;
}) {
  const slug = chapter.slug;
  const segments = useMemo(() => chapterSegments(chapter.blocks), [chapter]);
  const cells = useMemo(
    () => segments.flatMap((segment) => (segment.kind === 'prose' ? [] : [segment])),
    [segments],
  );
  const hasCells = cells.length > 0;
  const openNotebook = useAppStore(selectOpenNotebook);
  const startRuntime = useAppStore(selectStartRuntime);
  const flushSaves = useAppStore(selectFlushSaves);

  useLayoutEffect(() => openNotebook(slug, cells), [openNotebook, slug, cells]);

  useEffect(() => {
    if (!hasCells) return;
    const stop = startRuntime(slug);
    return () => {
      stop();
      flushSaves();
    };
  }, [startRuntime, flushSaves, slug, hasCells]);

  useEffect(() => {
    // Section anchors are the shell's; a cell's anchor exists only once its notebook is open.
    if (window.location.hash.startsWith('#cell-')) void scrollToHash();
  }, [slug]);

  const numbers = useMemo(() => new Map(cells.map((cell, index) => [cell.id, index + 1])), [cells]);
  const numberOf = useCallback((cellId: string) => numbers.get(cellId) ?? 0, [numbers]);

  return (
    <>
      {hasCells && <PanelDock />}
      {hasCells && (
        <div className="chapter__notebook-bar">
          <RuntimeBar />
          <ChapterToolbar
            slug={slug}
            exercises={segments.filter((segment) => segment.kind === 'exercise').length}
          />
        </div>
      )}
      {hasCells && <SharedEditsBanner slug={slug} />}
      <div className="chapter__body">
        {segments.map((segment, index) => {
          if (segment.kind === 'prose') {
            return (
              <Prose
                key={index}
                parts={segment.parts}
                chapterSlug={slug}
                chapterPage={chapterPage}
              />
            );
          }
          const number = numbers.get(segment.id)!;
          // A fragment either way, so a note appearing never remounts the cell.
          return (
            <Fragment key={segment.id}>
              {renderCell(segment, number)}
              {afterCell?.(segment.id)}
            </Fragment>
          );
        })}
      </div>
    </>
  );

  function renderCell(
    segment: Exclude<(typeof segments)[number], { kind: 'prose' }>,
    number: number,
  ) {
    if (segment.kind === 'exercise') {
      return (
        <ExerciseCell
          key={segment.id}
          slug={slug}
          exercise={segment.exercise}
          number={number}
          nextCellId={cells[number]?.id ?? null}
          numberOf={numberOf}
        />
      );
    }
    return (
      <NotebookCell
        key={segment.id}
        slug={slug}
        cellId={segment.id}
        number={number}
        nextCellId={cells[number]?.id ?? null}
        numberOf={numberOf}
      />
    );
  }
}
