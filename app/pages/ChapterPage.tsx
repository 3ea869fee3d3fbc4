import { use, useEffect, useMemo } from 'react';
import { chapterLabel, findChapter } from '../chapters/chapterCatalog';
import { partHeading } from '../chapters/courseParts';
import { loadChapterCatalog } from '../chapters/loadChapters';
import { ChapterProblems } from '../components/ChapterProblems';
import { renderMarkdownToSafeHtml } from '../markdown/renderMarkdown';
import { Link } from '../routing/Link';
import { NotFoundPage } from './NotFoundPage';

/** One chapter, read-only for now: its Markdown rendered, code blocks shown as code. */
export function ChapterPage({ slug }: { slug: string }) {
  const chapter = findChapter(use(loadChapterCatalog()), slug);
  const html = useMemo(() => (chapter ? renderMarkdownToSafeHtml(chapter.body) : ''), [chapter]);
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
      <div className="chapter__body" dangerouslySetInnerHTML={{ __html: html }} />
    </article>
  );
}
