import { useState } from 'react';

/**
 * A button for something that cannot be undone: the first click asks (`question`, with the
 * action and Cancel), the second does it.
 */
export function ConfirmedButton({
  label,
  question,
  confirmLabel,
  ariaLabel,
  title,
  groupLabel,
  onConfirm,
}: {
  /** The button before it asks, e.g. "Remove…". */
  label: string;
  question: string;
  /** The button that does it, e.g. "Remove". */
  confirmLabel: string;
  ariaLabel?: string;
  /** The tooltip of the first button. */
  title?: string;
  /** The accessible name of the question with its two buttons, e.g. "Confirm removal". */
  groupLabel: string;
  onConfirm: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button
        type="button"
        className="cell__button cell__button--quiet"
        onClick={() => setConfirming(true)}
        aria-label={ariaLabel}
        title={title}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="chapter-toolbar__confirm" role="group" aria-label={groupLabel}>
      <span>{question}</span>
      <button
        type="button"
        className="cell__button cell__button--danger"
        onClick={() => {
          setConfirming(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button
        type="button"
        className="cell__button cell__button--quiet"
        onClick={() => setConfirming(false)}
      >
        Cancel
      </button>
    </span>
  );
}
