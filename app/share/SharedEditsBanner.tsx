/**
 * Where a chapter receives its share link: once the chapter's notebook is open (and again when
 * the fragment changes in the same tab) it hands a `#share=` payload to the share slice and shows
 * the slice's notice in a ShareBanner. Once a link has been dealt with (its edits put in, or the
 * reader answered), its fragment leaves the address bar, so a reload does not ask again; a link
 * that cannot be used stays, with its note, until the reader moves on.
 */
import { useCallback, useEffect, useRef } from 'react';
import type { AppState } from '../store/appStore';
import { useAppStore } from '../store/appStore';
import { cellAnchor } from '../components/NotebookCell';
import { ShareBanner } from './ShareBanner';
import { currentSharePayload, forgetShareFragment } from './shareLocation';

const selectReceive = (state: AppState) => state.receiveShare;
const selectAccept = (state: AppState) => state.acceptSharedEdits;
const selectKeep = (state: AppState) => state.keepOwnEdits;
const selectDismiss = (state: AppState) => state.dismissShareNotice;

/** Receives the chapter's share link and shows its banner. */
export function SharedEditsBanner({ slug }: { slug: string }) {
  const notebookOpen = useAppStore(
    useCallback((state: AppState) => state.notebooks[slug] !== undefined, [slug]),
  );
  const notice = useAppStore(
    useCallback((state: AppState) => state.shareNotices[slug] ?? null, [slug]),
  );
  const receiveShare = useAppStore(selectReceive);
  const accept = useAppStore(selectAccept);
  const keep = useAppStore(selectKeep);
  const dismiss = useAppStore(selectDismiss);
  const title = useRef<HTMLHeadingElement>(null);
  // The page's own path (the host may have added a slash), so following one is a jump within
  // the page, never a reload that would forget which cells came from the link.
  const cellHref = useCallback(
    (cellId: string) =>
      `${window.location.pathname}${window.location.search}#${cellAnchor(cellId)}`,
    [],
  );

  useEffect(() => {
    // The notebook opens in the page's layout effect, after this component's own effects ran.
    if (!notebookOpen) return;
    const receive = () => {
      const payload = currentSharePayload();
      if (payload !== null && receiveShare(slug, payload) === 'applied') forgetShareFragment();
    };
    receive();
    window.addEventListener('hashchange', receive);
    return () => window.removeEventListener('hashchange', receive);
  }, [notebookOpen, receiveShare, slug]);

  /** After an answer the buttons are gone: the focus goes to the banner's title, not the page. */
  const answered = (answer: (slug: string) => void) => {
    answer(slug);
    forgetShareFragment();
    title.current?.focus();
  };

  return (
    // Always in the page, so a screen reader hears the banner when it appears or changes.
    <div className="share-banner-region" aria-live="polite">
      {notice && (
        <ShareBanner
          notice={notice}
          titleRef={title}
          onAccept={() => answered(accept)}
          onKeep={() => answered(keep)}
          onDismiss={() => dismiss(slug)}
          cellHref={cellHref}
        />
      )}
    </div>
  );
}
