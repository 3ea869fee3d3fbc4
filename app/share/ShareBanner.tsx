/**
 * What the share banner says for one notice (share slice): the shared edits put in, the question
 * when they would replace the reader's own, the reader's answer, cells whose chapter code changed
 * since the link was made (their shared code shown to read), or why a link could not be used.
 * Props in, callbacks out, so it renders in Node tests; every shared text is React text, never
 * HTML, so code from a link cannot become markup or script on the page.
 */
import type { Ref } from 'react';
import { Fragment, useId } from 'react';
import type { ShareNotice } from './shareSlice';
import type { SharePlan, UnfitEdit } from './sharePlan';
import { cellListParts } from './sharePlan';
import './share.css';

export interface ShareBannerProps {
  readonly notice: ShareNotice;
  readonly titleRef?: Ref<HTMLHeadingElement>;
  readonly onAccept: () => void;
  readonly onKeep: () => void;
  readonly onDismiss: () => void;
  /** The address of a cell of the chapter, to link the cells the banner names (none: no links). */
  readonly cellHref?: (cellId: string) => string;
}

/** The banner for one notice (props only, so it renders in tests without a store). */
export function ShareBanner({
  notice,
  titleRef,
  onAccept,
  onKeep,
  onDismiss,
  cellHref,
}: ShareBannerProps) {
  const titleId = useId();
  const invalid = notice.kind === 'invalid';
  return (
    <section
      className="share-banner"
      data-kind={notice.kind}
      aria-labelledby={titleId}
      role={invalid ? 'alert' : undefined}
    >
      <div className="share-banner__bar">
        <h2 className="share-banner__title" id={titleId} ref={titleRef} tabIndex={-1}>
          {invalid ? 'This share link could not be used' : 'Edits shared with you'}
        </h2>
        {notice.kind !== 'ask' && (
          <button
            type="button"
            className="runtime-notice__dismiss"
            aria-label="Dismiss the share message"
            onClick={onDismiss}
          >
            ×
          </button>
        )}
      </div>
      <NoticeText notice={notice} onAccept={onAccept} onKeep={onKeep} cellHref={cellHref} />
      {notice.kind !== 'invalid' && <UnfitEdits plan={notice.plan} cellHref={cellHref} />}
    </section>
  );
}

function NoticeText({
  notice,
  onAccept,
  onKeep,
  cellHref,
}: Pick<ShareBannerProps, 'notice' | 'onAccept' | 'onKeep' | 'cellHref'>) {
  switch (notice.kind) {
    case 'invalid':
      return <p>{notice.message} The chapter opened as usual, without any shared code.</p>;
    case 'applied': {
      const cells = notice.plan.fitting;
      if (cells.length === 0) {
        return <p>None of this link’s edits could be put into the chapter as it is now.</p>;
      }
      return (
        <>
          <p>
            This link put someone’s code into <Cells cells={cells} cellHref={cellHref} />, marked{' '}
            <ShareMarkSample />. <strong>Nothing has run:</strong> press Run on a cell, or Run all,
            to try it.
          </p>
          <p className="share-banner__small">
            The code is saved in this browser like your own edits; Reset puts back the chapter’s
            code.
            {notice.keptAside &&
              ` Your own versions of those cells are kept aside in this site’s storage, under “${notice.keptAside}”.`}
            {notice.asideFailed &&
              ' Your own versions of those cells could not be kept aside: this browser’s storage refused them.'}
          </p>
        </>
      );
    }
    case 'ask': {
      const cells = notice.plan.fitting;
      const mine = cells.filter((edit) => edit.conflict);
      return (
        <>
          <p>
            This link carries code for <Cells cells={cells} cellHref={cellHref} />. You have your
            own edits in <Cells cells={mine} cellHref={cellHref} />, which the shared code would
            replace. Which do you want to see?
          </p>
          <div
            className="share-banner__actions"
            role="group"
            aria-label="Your edits or the shared ones"
          >
            <button type="button" className="cell__button" onClick={onKeep}>
              Keep mine
            </button>
            <button type="button" className="cell__button cell__button--quiet" onClick={onAccept}>
              Use the shared ones
            </button>
            <span className="share-banner__small">
              Using the shared ones keeps a copy of your edits in this site’s storage.
            </span>
          </div>
        </>
      );
    }
    case 'kept':
      return <p>Your edits are kept. The shared code was not put in.</p>;
  }
}

/** The cell mark as the banner names it. */
function ShareMarkSample() {
  return <span className="cell__badge share-mark">shared</span>;
}

/** "cells 2, 4 and 11", each number a link to its cell when the banner has addresses. */
function Cells({
  cells,
  cellHref,
}: {
  cells: ReadonlyArray<{ readonly cellId: string; readonly number: number | null }>;
  cellHref: ShareBannerProps['cellHref'];
}) {
  const parts = cellListParts(cells, (cell) =>
    cellHref ? (
      <a href={cellHref(cell.cellId)} aria-label={`cell ${cell.number}`}>
        {cell.number}
      </a>
    ) : (
      String(cell.number)
    ),
  );
  return parts.map((part, index) => <Fragment key={index}>{part}</Fragment>);
}

/** Shared edits that were not put in: what happened to each, and its code to read. */
function UnfitEdits({ plan, cellHref }: Pick<ShareBannerProps, 'cellHref'> & { plan: SharePlan }) {
  if (plan.changed.length === 0 && plan.missing.length === 0) return null;
  return (
    <div className="share-banner__unfit">
      {plan.changed.length > 0 && (
        <p>
          The chapter’s code of <Cells cells={plan.changed} cellHref={cellHref} /> changed since the
          link was made, so the shared code was not put in there (it was written for other code).
          You can read it here:
        </p>
      )}
      {plan.missing.length > 0 && (
        <p>
          {plan.missing.length === 1
            ? 'One shared edit is for a cell this chapter no longer has:'
            : `${plan.missing.length} shared edits are for cells this chapter no longer has:`}
        </p>
      )}
      {[...plan.changed, ...plan.missing].map((edit) => (
        <UnfitEdit key={edit.cellId} edit={edit} />
      ))}
    </div>
  );
}

function UnfitEdit({ edit }: { edit: UnfitEdit }) {
  return (
    <details className="share-banner__code">
      <summary>
        {edit.number === null
          ? `The shared code of a cell named “${edit.cellId}”`
          : `The shared code of cell ${edit.number}`}
      </summary>
      <pre>
        <code>{edit.source}</code>
      </pre>
    </details>
  );
}
