/**
 * The chapter toolbar's Share action: makes a link that carries the learner's edited cells
 * (exercise attempts included), copies it with the Clipboard API and shows it in a dialog, in a
 * selectable field that is the way to copy it when the browser refuses the clipboard. Edits too
 * big for a link get a message that points to exporting the chapter as a file instead.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { ShellDialog } from '../components/ShellDialogs';
import { appStore } from '../store/appStore';
import { MAX_SHARE_CHARS, encodeShare } from './shareLink';
import { shareUrl } from './shareLocation';
import { cellList, editsToShare } from './sharePlan';
import './share.css';

type CopyState = 'copying' | 'copied' | 'denied';

/** What the dialog shows. */
type ShareView =
  | { readonly kind: 'link'; readonly url: string; readonly cells: readonly number[] }
  | { readonly kind: 'too_big'; readonly length: number; readonly cells: readonly number[] };

/** The link a chapter's edits make now, read from the store when Share is pressed. */
function shareViewOf(slug: string): ShareView | null {
  const state = appStore.getState();
  const notebook = state.notebooks[slug];
  if (!notebook) return null;
  const edits = editsToShare(notebook, state.loadExerciseProgress(slug).own);
  const cells = edits.map((edit) => notebook.order.indexOf(edit.cellId) + 1);
  if (edits.length === 0) return { kind: 'link', url: shareUrl(slug, null), cells };
  const encoded = encodeShare({ slug, edits });
  return encoded.ok
    ? { kind: 'link', url: shareUrl(slug, encoded.payload), cells }
    : { kind: 'too_big', length: encoded.length, cells };
}

/** Share…: a link with the chapter's edits, copied, and shown in a dialog. */
export function ShareButton({ slug }: { slug: string }) {
  const [view, setView] = useState<ShareView | null>(null);
  const [copy, setCopy] = useState<CopyState>('copying');
  const field = useRef<HTMLTextAreaElement>(null);
  const fieldId = useId();
  const statusId = useId();

  const copyLink = (url: string) => {
    setCopy('copying');
    const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
    if (!clipboard?.writeText) {
      // No Clipboard API (a page served over plain http): the field below is the way.
      setCopy('denied');
      return;
    }
    clipboard.writeText(url).then(
      () => setCopy('copied'),
      () => setCopy('denied'),
    );
  };

  useEffect(() => {
    if (copy !== 'denied' || !field.current) return;
    field.current.focus();
    field.current.select();
  }, [copy, view]);

  const open = () => {
    const next = shareViewOf(slug);
    setView(next);
    // Inside the click, while the browser still counts it as the user's gesture.
    if (next?.kind === 'link') copyLink(next.url);
  };

  return (
    <>
      <button
        type="button"
        className="cell__button cell__button--quiet"
        onClick={open}
        title="Copy a link that carries your edits of this chapter"
        aria-haspopup="dialog"
      >
        Share…
      </button>
      <ShellDialog
        open={view !== null}
        onClose={() => setView(null)}
        title="Share your edits"
        className="share-dialog"
      >
        {view?.kind === 'too_big' && (
          <p className="share-dialog__problem" role="alert">
            Your edits in {cellList(view.cells)} are too big for a link: it would be{' '}
            {view.length.toLocaleString('en')} characters long, and share links have at most{' '}
            {MAX_SHARE_CHARS.toLocaleString('en')}. To pass this much code on, export the chapter as
            a file (Export, in the chapter toolbar) and send the file.
          </p>
        )}
        {view?.kind === 'link' && (
          <>
            <p>
              {view.cells.length > 0
                ? `This link carries your code in ${cellList(view.cells)}. Whoever opens it sees this chapter with that code, marked “shared”; nothing runs until they press Run.`
                : 'You have not changed any cell, so this is the chapter’s own link: it carries no code.'}
            </p>
            <p className="share-dialog__status" id={statusId} role="status">
              {copy === 'copied' && '✓ Copied to the clipboard.'}
              {copy === 'denied' &&
                'This browser did not let the page copy the link. It is selected below: press Ctrl+C (⌘C on a Mac) to copy it.'}
            </p>
            <label className="share-dialog__label" htmlFor={fieldId}>
              Link ({view.url.length.toLocaleString('en')} characters)
            </label>
            <textarea
              ref={field}
              id={fieldId}
              className="share-dialog__field"
              value={view.url}
              readOnly
              rows={4}
              spellCheck={false}
              aria-describedby={statusId}
              onFocus={(event) => event.currentTarget.select()}
            />
            <div className="share-dialog__actions">
              <button type="button" className="cell__button" onClick={() => copyLink(view.url)}>
                Copy link
              </button>
              {view.cells.length > 0 && (
                <span className="share-dialog__note">
                  The code travels in the link itself (after the #): the site never receives it.
                </span>
              )}
            </div>
          </>
        )}
      </ShellDialog>
    </>
  );
}
