/**
 * A cell's "shared" mark: shown while the cell holds the code a share link put in, gone once the
 * reader changes it (then it is simply their edit).
 */
import { useCallback } from 'react';
import type { AppState } from '../store/appStore';
import { useAppStore } from '../store/appStore';
import './share.css';

/** The mark in cell `cellId`'s head, given the code the cell shows now. */
export function SharedMark({
  slug,
  cellId,
  source,
}: {
  slug: string;
  cellId: string;
  source: string;
}) {
  const shared = useAppStore(
    useCallback((state: AppState) => state.sharedSources[slug]?.[cellId], [slug, cellId]),
  );
  if (shared === undefined || shared !== source) return null;
  return (
    <span
      className="cell__badge share-mark"
      title="This code came with a share link; it has not run until you press Run"
    >
      shared
    </span>
  );
}
