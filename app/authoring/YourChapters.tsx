import { useState } from 'react';
import { browserStorage } from '../persistence/chapterStorage';
import { Link } from '../routing/Link';
import { ConfirmedButton } from '../components/ConfirmedButton';
import { ImportChapterButton } from './ImportChapterButton';
import { localChaptersChanged, useLocalChapters } from './localChapterHooks';
import type { LocalChapterEntry } from './localChapters';
import { removeLocalChapter } from './localChapters';
import './authoring.css';

/**
 * "Your chapters": the chapter files imported into this browser, each a link to its page and a
 * Remove (after a confirmation), with the way to import another. A section of its own, so the
 * contents around it can change freely.
 */
export function YourChapters({
  compact = false,
  onFollow,
  place,
}: {
  compact?: boolean;
  onFollow?: () => void;
  /**
   * Where on the home page this instance stands: above the course while there are local
   * chapters (they are what the person came back for), below it while there are none (just the
   * way to import one). Without it, always drawn.
   */
  place?: 'above' | 'below';
}) {
  const { entries, problem } = useLocalChapters();
  const [removeProblem, setRemoveProblem] = useState<string | null>(null);
  if (compact && entries.length === 0) return null;
  if (place === 'above' && entries.length === 0) return null;
  if (place === 'below' && entries.length > 0) return null;
  return (
    <section className="your-chapters" aria-labelledby="your-chapters-heading">
      <h2 id="your-chapters-heading" className="toc-part__heading">
        Your chapters
      </h2>
      {problem && (
        <p className="authoring-inline-error" role="alert">
          {problem}
        </p>
      )}
      {removeProblem && (
        <p className="authoring-inline-error" role="alert">
          {removeProblem}
        </p>
      )}
      {entries.length > 0 ? (
        <ul className="your-chapters__list">
          {entries.map((entry) => (
            <YourChapterItem
              key={entry.id}
              entry={entry}
              compact={compact}
              onFollow={onFollow}
              onRemove={() => {
                const failed = removeLocalChapter(browserStorage(), entry.id);
                setRemoveProblem(failed);
                localChaptersChanged();
              }}
            />
          ))}
        </ul>
      ) : (
        <p className="your-chapters__empty">
          Chapter files you import open here, in this browser only: your edits to them are kept like
          any chapter’s.
        </p>
      )}
      {!compact && (
        <p className="your-chapters__import">
          <ImportChapterButton />
          <span className="your-chapters__hint">or drop a .md file anywhere on the page</span>
        </p>
      )}
    </section>
  );
}

function YourChapterItem({
  entry,
  compact,
  onFollow,
  onRemove,
}: {
  entry: LocalChapterEntry;
  compact: boolean;
  onFollow?: () => void;
  onRemove: () => void;
}) {
  return (
    <li className="your-chapters__item">
      <Link to={{ name: 'yours', id: entry.id }} className="toc-item__title" onFollow={onFollow}>
        {entry.title}
      </Link>
      <span className="your-chapters__file">
        {entry.fileName} · imported {new Date(entry.importedAt).toLocaleDateString()}
      </span>
      {!compact && (
        <ConfirmedButton
          groupLabel="Confirm removal"
          label="Remove…"
          ariaLabel={`Remove ${entry.title}…`}
          question={`Remove “${entry.title}” and your edits to it from this browser?`}
          confirmLabel="Remove"
          onConfirm={onRemove}
        />
      )}
    </li>
  );
}
