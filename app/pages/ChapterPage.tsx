import { use, useEffect, useMemo } from 'react';
import type { Chapter } from '../chapters/chapterCatalog';
import { chapterLabel, findChapter } from '../chapters/chapterCatalog';
import { partHeading } from '../chapters/courseParts';
import { loadChapterCatalog } from '../chapters/loadChapters';
import { ChapterProblems } from '../components/ChapterProblems';
import { NotebookCell } from '../components/NotebookCell';
import { RuntimeBar } from '../components/RuntimeBar';
import { splitChapterMarkdown } from '../markdown/chapterSegments';
import { renderMarkdownToSafeHtml } from '../markdown/renderMarkdown';
import { useChapterNotebook } from '../notebook/useChapterNotebook';
import { Link } from '../routing/Link';
import { NotFoundPage } from './NotFoundPage';

/** One chapter: its prose, and its ```ts blocks as cells that run in the chapter's runtime. */
export function ChapterPage({ slug }: { slug: string }) {
  const chapter = findChapter(use(loadChapterCatalog()), slug);
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
      <ChapterNotebook chapter={chapter} />
    </article>
  );
}

function ChapterNotebook({ chapter }: { chapter: Chapter }) {
  const segments = useMemo(() => splitChapterMarkdown(chapter.body), [chapter]);
  const cells = useMemo(
    () => segments.flatMap((segment) => (segment.kind === 'cell' ? [segment] : [])),
    [segments],
  );
  const notebook = useChapterNotebook(cells);
  const { view } = notebook;
  return (
    <>
      {cells.length > 0 && (
        <RuntimeBar
          status={view.status}
          notices={view.notices}
          onRestart={notebook.restart}
          onDismiss={notebook.dismiss}
        />
      )}
      <div className="chapter__body">
        {segments.map((segment, index) => {
          if (segment.kind === 'prose') return <Prose key={index} markdown={segment.markdown} />;
          const cell = view.cells[segment.id];
          return (
            cell && (
              <NotebookCell
                key={segment.id}
                cell={cell}
                number={cells.indexOf(segment) + 1}
                onRun={notebook.run}
                onStop={notebook.stop}
                onEdit={notebook.edit}
              />
            )
          );
        })}
      </div>
    </>
  );
}

function Prose({ markdown }: { markdown: string }) {
  const html = useMemo(() => renderMarkdownToSafeHtml(markdown), [markdown]);
  return <div className="chapter__prose" dangerouslySetInnerHTML={{ __html: html }} />;
}
