import type { Notice } from '../notebook/notebookView';
import type { RuntimeStatus } from '../engine/workerClient';

const STATUS_TEXT: Record<RuntimeStatus, string> = {
  starting: 'Runtime starting…',
  ready: 'Runtime ready',
  restarting: 'Runtime restarting…',
};

interface RuntimeBarProps {
  readonly status: RuntimeStatus;
  readonly notices: readonly Notice[];
  readonly onRestart: () => void;
  readonly onDismiss: (noticeId: number) => void;
}

/** The chapter's runtime: its status, a restart button, and notices about it. */
export function RuntimeBar({ status, notices, onRestart, onDismiss }: RuntimeBarProps) {
  return (
    <div className="runtime-bar">
      <div className="runtime-bar__row">
        <span className={`runtime-bar__status runtime-bar__status--${status}`} role="status">
          {STATUS_TEXT[status]}
        </span>
        <button
          type="button"
          className="runtime-bar__restart"
          onClick={onRestart}
          disabled={status !== 'ready'}
        >
          Restart runtime
        </button>
      </div>
      {notices.length > 0 && (
        <ul className="runtime-bar__notices" aria-label="Runtime notices">
          {notices.map((notice) => (
            <li
              key={notice.id}
              className={`runtime-notice runtime-notice--${notice.tone}`}
              role={notice.tone === 'error' ? 'alert' : undefined}
            >
              <span>{notice.text}</span>
              <button
                type="button"
                className="runtime-notice__dismiss"
                aria-label="Dismiss notice"
                onClick={() => onDismiss(notice.id)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
