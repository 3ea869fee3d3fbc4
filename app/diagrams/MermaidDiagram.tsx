/**
 * A mermaid diagram that renders when it comes near the viewport, redraws when the theme
 * changes, and shows a readable error box (with mermaid's own message) when the source is not a
 * valid diagram. Chapters, the sequence panel and rich cell outputs all draw diagrams with it.
 */
import type { RefObject } from 'react';
import { useEffect, useRef, useState } from 'react';
import { useAppStore } from '../store/appStore';
import type { AppState } from '../store/appStore';
import type { MermaidResult } from './mermaidDiagram';
import { renderMermaid } from './mermaidDiagram';
import './diagrams.css';

interface MermaidDiagramProps {
  /** The diagram in mermaid syntax. */
  source: string;
  /** What the diagram shows, for screen readers and as the title of the error box. */
  label?: string;
}

const selectTheme = (state: AppState) => state.theme;

export function MermaidDiagram({ source, label }: MermaidDiagramProps) {
  const theme = useAppStore(selectTheme);
  const box = useRef<HTMLElement>(null);
  const visible = useNearViewport(box);
  const [drawn, setDrawn] = useState<{ key: string; result: MermaidResult } | null>(null);
  const key = `${theme}\n${source}`;

  useEffect(() => {
    if (!visible) return;
    let current = true;
    void renderMermaid(source, theme).then((result) => {
      if (current) setDrawn({ key, result });
    });
    return () => {
      current = false;
    };
  }, [visible, source, theme, key]);

  const result = drawn?.result;
  const stale = drawn !== null && drawn.key !== key;
  const name = label ?? 'Diagram';
  return (
    <figure
      ref={box}
      className="mermaid-diagram"
      data-diagram-state={result === undefined ? 'pending' : 'error' in result ? 'error' : 'ready'}
      aria-busy={result === undefined || stale}
    >
      {result === undefined && <p className="mermaid-diagram__pending">Drawing the diagram…</p>}
      {result !== undefined && 'svg' in result && (
        <div
          className="mermaid-diagram__svg"
          role="img"
          aria-label={name}
          // Mermaid sanitises its SVG itself under securityLevel 'strict'.
          dangerouslySetInnerHTML={{ __html: result.svg }}
        />
      )}
      {result !== undefined && 'error' in result && (
        <div className="mermaid-diagram__error" role="alert">
          <p className="mermaid-diagram__error-title">{name} could not be drawn</p>
          <pre className="mermaid-diagram__error-message">{result.error}</pre>
          <details>
            <summary>Diagram source</summary>
            <pre>{source}</pre>
          </details>
        </div>
      )}
    </figure>
  );
}

/** True once the element has come within a screen of the viewport (it then stays true). */
function useNearViewport(ref: RefObject<HTMLElement | null>): boolean {
  const [near, setNear] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (near || !element) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) setNear(true);
      },
      { rootMargin: '100% 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, near]);
  return near;
}
