/** Previous and next chapter at the bottom of a chapter page, in reading order. */
import { use, useMemo } from 'react';
import { chapterLabel } from '../chapters/chapterCatalog';
import { COURSE_PLAN } from '../chapters/coursePlan';
import { loadChapterIndex } from '../chapters/loadChapters';
import { buildTableOfContents, neighbours, readingOrder } from '../chapters/tableOfContents';
import { Link } from '../routing/Link';

export function ChapterPager({ slug }: { slug: string }) {
  const chapters = use(loadChapterIndex());
  const order = useMemo(
    () => readingOrder(buildTableOfContents(chapters, COURSE_PLAN)),
    [chapters],
  );
  if (!order.some((chapter) => chapter.slug === slug)) return null;
  const { previous, next } = neighbours(order, slug);
  return (
    <nav className="chapter-pager" aria-label="Previous and next chapter">
      {previous ? (
        <Link
          to={{ name: 'chapter', slug: previous.slug }}
          className="chapter-pager__link"
          rel="prev"
        >
          <span className="chapter-pager__direction">Previous</span>
          <span className="chapter-pager__title">{chapterLabel(previous)}</span>
        </Link>
      ) : (
        <span />
      )}
      {next ? (
        <Link
          to={{ name: 'chapter', slug: next.slug }}
          className="chapter-pager__link chapter-pager__link--next"
          rel="next"
        >
          <span className="chapter-pager__direction">Next</span>
          <span className="chapter-pager__title">{chapterLabel(next)}</span>
        </Link>
      ) : (
        <Link to={{ name: 'home' }} className="chapter-pager__link chapter-pager__link--next">
          <span className="chapter-pager__direction">The end, for now</span>
          <span className="chapter-pager__title">Back to the contents</span>
        </Link>
      )}
    </nav>
  );
}
