import { useState } from 'react';
import { browserStorage } from '../persistence/chapterStorage';
import { Link } from '../routing/Link';
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
}: {
  compact?: boolean;
  onFollow?: () => void;
}) {
  const { entries, problem } = useLocalChapters();
  const [removeProblem, setRemoveProblem] = useState<string | null>(null);
  if (compact && entries.length === 0) return null;
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
  const [confirming, setConfirming] = useState(false);
  return (
    <li className="your-chapters__item">
      <Link to={{ name: 'yours', id: entry.id }} className="toc-item__title" onFollow={onFollow}>
        {entry.title}
      </Link>
      <span className="your-chapters__file">
        {entry.fileName} · imported {new Date(entry.importedAt).toLocaleDateString()}
      </span>
      {!compact &&
        (confirming ? (
          <span className="chapter-toolbar__confirm" role="group" aria-label="Confirm removal">
            <span>Remove “{entry.title}” and your edits to it from this browser?</span>
            <button
              type="button"
              className="cell__button cell__button--danger"
              onClick={() => {
                setConfirming(false);
                onRemove();
              }}
            >
              Remove
            </button>
            <button
              type="button"
              className="cell__button cell__button--quiet"
              onClick={() => setConfirming(false)}
            >
              Cancel
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="cell__button cell__button--quiet"
            onClick={() => setConfirming(true)}
            aria-label={`Remove ${entry.title}…`}
          >
            Remove…
          </button>
        ))}
    </li>
  );
}
