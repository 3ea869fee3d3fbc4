/**
 * The course's table of contents: every part with its chapters, written ones as links and
 * planned ones marked as coming. The home page shows it in full; the contents dialog shows a
 * compact version with the open chapter marked.
 */
import type { ReactNode } from 'react';
import { useMemo } from 'react';
import type { ChapterListing } from '../chapters/chapterCatalog';
import { chapterLabel } from '../chapters/chapterCatalog';
import { COURSE_PLAN } from '../chapters/coursePlan';
import type { TocEntry } from '../chapters/tableOfContents';
import { buildTableOfContents } from '../chapters/tableOfContents';
import { Link } from '../routing/Link';
import { ChapterProblems } from './ChapterProblems';
import { YourChapters } from '../authoring/YourChapters';

interface CourseContentsProps {
  chapters: readonly ChapterListing[];
  /** The slug of the chapter being read, marked as the current page. */
  currentSlug?: string;
  /** The dialog's version: no problem notes. */
  compact?: boolean;
  /** Extra content after a written chapter's link (e.g. its progress). */
  renderAfter?: (chapter: ChapterListing) => ReactNode;
  /** Called when a chapter link is followed (the dialog closes itself). */
  onFollow?: () => void;
}

export function CourseContents({
  chapters,
  currentSlug,
  compact = false,
  renderAfter,
  onFollow,
}: CourseContentsProps) {
  const toc = useMemo(() => buildTableOfContents(chapters, COURSE_PLAN), [chapters]);
  return (
    <nav aria-label="Chapters" className={compact ? 'toc toc--compact' : 'toc'}>
      {toc.map((part) => (
        <section key={part.heading} className="toc-part">
          <h2 className="toc-part__heading">{part.heading}</h2>
          <ol className="toc-list">
            {part.entries.map((entry) => (
              <TocItem
                key={entry.kind === 'written' ? entry.chapter.fileName : `plan-${entry.number}`}
                entry={entry}
                currentSlug={currentSlug}
                compact={compact}
                renderAfter={renderAfter}
                onFollow={onFollow}
              />
            ))}
          </ol>
        </section>
      ))}
      {compact && <YourChapters compact onFollow={onFollow} />}
    </nav>
  );
}

function TocItem({
  entry,
  currentSlug,
  compact,
  renderAfter,
  onFollow,
}: {
  entry: TocEntry;
  currentSlug?: string;
  compact: boolean;
  renderAfter?: (chapter: ChapterListing) => ReactNode;
  onFollow?: () => void;
}) {
  const number = <span className="toc-item__number">{entry.number ?? ''}</span>;
  if (entry.kind === 'planned') {
    return (
      <li className="toc-item toc-item--planned">
        {number}
        <span className="toc-item__title">
          {entry.title} <span className="toc-item__coming">coming</span>
        </span>
      </li>
    );
  }
  const { chapter } = entry;
  const current = chapter.slug === currentSlug && chapter.duplicateOf === null;
  return (
    <li className={current ? 'toc-item toc-item--current' : 'toc-item'}>
      {number}
      {chapter.duplicateOf === null ? (
        <Link
          to={{ name: 'chapter', slug: chapter.slug }}
          className="toc-item__title"
          aria-current={current ? 'page' : undefined}
          onFollow={onFollow}
        >
          {chapterLabel(chapter)}
        </Link>
      ) : (
        <span className="toc-item__title">{chapterLabel(chapter)}</span>
      )}
      {renderAfter?.(chapter)}
      {!compact && <ChapterProblems chapter={chapter} />}
    </li>
  );
}
