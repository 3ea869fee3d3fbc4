import { use, useEffect } from 'react';
import type { ChapterListing } from '../chapters/chapterCatalog';
import { loadChapterIndex } from '../chapters/loadChapters';
import { ChapterProgress } from '../components/ChapterProgress';
import { CourseContents } from '../components/CourseContents';
import { YourChapters } from '../authoring/YourChapters';
import { CourseExerciseProgress, ExerciseProgress } from '../components/ExerciseProgress';

/** The table of contents: the whole course by part, written chapters linked, the rest to come. */
export function HomePage() {
  const chapters = use(loadChapterIndex());
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
      <CourseExerciseProgress
        chapters={chapters.map((chapter) => ({
          slug: chapter.slug,
          exercises: chapter.exercises,
        }))}
      />
      <YourChapters place="above" />
      <CourseContents chapters={chapters} renderAfter={chapterExtras} />
      <YourChapters place="below" />
      {chapters.length === 0 && <p>No chapters yet: add Markdown files to chapters/.</p>}
    </article>
  );
}

/** What the contents show after a written chapter's title: cells run, exercises solved. */
function chapterExtras(chapter: ChapterListing) {
  return (
    <span className="chapter-extras">
      <ChapterProgress slug={chapter.slug} total={chapter.cells} />
      <ExerciseProgress slug={chapter.slug} total={chapter.exercises} />
    </span>
  );
}
