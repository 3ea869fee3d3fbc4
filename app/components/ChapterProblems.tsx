import type { ChapterListing } from '../chapters/chapterCatalog';

/** A visible note that a chapter file needs fixing, instead of a crash or a silent omission. */
export function ChapterProblems({ chapter }: { chapter: ChapterListing }) {
  if (chapter.problems.length === 0) return null;
  return (
    <div className="chapter-problems" role="alert">
      <strong>{chapter.fileName} needs fixing:</strong> {chapter.problems.join('; ')}.
    </div>
  );
}
