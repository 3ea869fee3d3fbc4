import type { Chapter } from '../chapters/chapterCatalog';

/** A visible note that a chapter file needs fixing, instead of a crash or a silent omission. */
export function ChapterProblems({ chapter }: { chapter: Chapter }) {
  if (chapter.problems.length === 0) return null;
  return (
    <div className="chapter-problems" role="alert">
      <strong>{chapter.fileName} needs fixing:</strong> {chapter.problems.join('; ')}.
    </div>
  );
}
