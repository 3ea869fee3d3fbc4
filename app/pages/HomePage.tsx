import { use, useEffect } from 'react';
import type { Chapter } from '../chapters/chapterCatalog';
import { loadChapterCatalog } from '../chapters/loadChapters';
import { ChapterProgress } from '../components/ChapterProgress';
import { CourseContents } from '../components/CourseContents';
import { chapterCellCount } from '../markdown/chapterSegments';

/** The table of contents: the whole course by part, written chapters linked, the rest to come. */
export function HomePage() {
  const chapters = use(loadChapterCatalog());
  useEffect(() => {
    document.title = 'Actorbook';
  }, []);

  return (
    <article className="home">
      <h1>Learn actors by running them</h1>
      <p className="home__lead">
        Each chapter mixes reading with TypeScript cells you can edit and run. The processes you
        start live in your browser, where you can watch them send messages, crash and restart.
      </p>
      <CourseContents chapters={chapters} renderAfter={chapterExtras} />
      {chapters.length === 0 && <p>No chapters yet: add Markdown files to chapters/.</p>}
    </article>
  );
}

/** What the contents show after a written chapter's title: how many of its cells were run. */
function chapterExtras(chapter: Chapter) {
  return <ChapterProgress slug={chapter.slug} total={chapterCellCount(chapter.blocks)} />;
}
