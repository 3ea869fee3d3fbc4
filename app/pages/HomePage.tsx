import { use, useEffect } from 'react';
import type { Chapter } from '../chapters/chapterCatalog';
import { chapterLabel } from '../chapters/chapterCatalog';
import { partHeading } from '../chapters/courseParts';
import { loadChapterCatalog } from '../chapters/loadChapters';
import { ChapterProblems } from '../components/ChapterProblems';
import { Link } from '../routing/Link';

/** The table of contents: every chapter, grouped by part, in reading order. */
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
      <nav aria-label="Chapters">
        {groupByPart(chapters).map(({ heading, chapters: inPart }) => (
          <section key={heading} className="toc-part">
            <h2>{heading}</h2>
            <ol className="toc-list">
              {inPart.map((chapter) => (
                <li key={chapter.fileName}>
                  {chapter.duplicateOf === null ? (
                    <Link to={{ name: 'chapter', slug: chapter.slug }}>
                      {chapterLabel(chapter)}
                    </Link>
                  ) : (
                    <span>{chapterLabel(chapter)}</span>
                  )}
                  <ChapterProblems chapter={chapter} />
                </li>
              ))}
            </ol>
          </section>
        ))}
      </nav>
      {chapters.length === 0 && <p>No chapters yet: add Markdown files to chapters/.</p>}
    </article>
  );
}

interface PartGroup {
  heading: string;
  chapters: Chapter[];
}

// The catalog is already in reading order, so consecutive chapters of one part form its group.
function groupByPart(chapters: readonly Chapter[]): PartGroup[] {
  const groups: PartGroup[] = [];
  for (const chapter of chapters) {
    const heading = chapter.meta ? partHeading(chapter.meta.part) : 'Chapters that need fixing';
    const last = groups.at(-1);
    if (last?.heading === heading) last.chapters.push(chapter);
    else groups.push({ heading, chapters: [chapter] });
  }
  return groups;
}
