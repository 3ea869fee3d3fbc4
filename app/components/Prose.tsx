/**
 * A piece of chapter prose: sanitised Markdown, with ```mermaid blocks drawn as diagrams, code
 * samples coloured once the highlighter has loaded, and links into the course followed in place
 * (no reload). ChapterPage renders one per prose segment of a chapter (chapterSegments.ts).
 */
import type { MouseEvent } from 'react';
import { useEffect, useMemo, useRef } from 'react';
import { MermaidDiagram } from '../diagrams/MermaidDiagram';
import { highlightCodeBlocks } from '../highlight/highlightCode';
import type { ProsePart } from '../markdown/chapterSegments';
import { renderMarkdownToSafeHtml } from '../markdown/renderMarkdown';
import { navigate, routeForUrl } from '../routing/router';

interface ProseProps {
  /** Markdown (with heading ids numbered across the chapter) and diagrams, in order. */
  parts: readonly ProsePart[];
  /** The chapter it belongs to, so `#section` links point into that chapter's page. */
  chapterSlug?: string;
  /** The page's URL relative to the site root, when it is not `chapters/<slug>`. */
  chapterPage?: string;
}

export function Prose({ parts: prose, chapterSlug, chapterPage }: ProseProps) {
  const parts = useMemo(
    () =>
      prose.map((part) =>
        part.kind === 'markdown'
          ? {
              kind: part.kind,
              html: renderMarkdownToSafeHtml(part.markdown, {
                headingIds: part.headingIds,
                chapterSlug,
                chapterPage,
              }),
            }
          : part,
      ),
    [prose, chapterSlug, chapterPage],
  );
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (container.current) void highlightCodeBlocks(container.current);
  }, [parts]);

  return (
    <div ref={container} className="chapter__prose prose" onClick={followInAppLink}>
      {parts.map((part, index) =>
        part.kind === 'mermaid' ? (
          <MermaidDiagram key={index} source={part.source} />
        ) : (
          <div key={index} dangerouslySetInnerHTML={{ __html: part.html }} />
        ),
      )}
    </div>
  );
}

/** A plain click on a link into the course navigates in place; anything else is the browser's. */
function followInAppLink(event: MouseEvent<HTMLElement>): void {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element).closest('a');
  if (!anchor || anchor.target === '_blank' || anchor.hasAttribute('download')) return;
  const href = anchor.getAttribute('href');
  if (href === null) return;
  const destination = routeForUrl(anchor.href);
  if (!destination) return;
  event.preventDefault();
  navigate(destination.route, destination.hash);
}
