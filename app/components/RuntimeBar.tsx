import type { RuntimeStatus } from '../session/workerClient';
import type { AppState } from '../store/appStore';
import { useAppStore } from '../store/appStore';
import './notebook.css';

const STATUS_TEXT: Record<RuntimeStatus | 'off', string> = {
  off: 'Runtime off',
  starting: 'Runtime starting…',
  ready: 'Runtime ready',
  restarting: 'Runtime restarting…',
};

const selectStatus = (state: AppState) => state.runtime.status;
const selectCompiler = (state: AppState) => state.runtime.compiler;
const selectNotices = (state: AppState) => state.runtime.notices;
const selectRestart = (state: AppState) => state.restartRuntime;
const selectDismiss = (state: AppState) => state.dismissRuntimeNotice;

/** The chapter's runtime: its status, the compiler's start-up, a restart button, notices. */
export function RuntimeBar() {
  const status = useAppStore(selectStatus);
  const compiler = useAppStore(selectCompiler);
  const notices = useAppStore(selectNotices);
  const restart = useAppStore(selectRestart);
  const dismiss = useAppStore(selectDismiss);
  return (
    <div
      className="runtime-bar"
      data-runtime-status={status}
      data-compiler-status={compiler ? (compiler.ok ? 'ready' : 'failed') : 'starting'}
    >
      <div className="runtime-bar__row">
        <span className={`runtime-bar__status runtime-bar__status--${status}`} role="status">
          {STATUS_TEXT[status]}
        </span>
        {compiler && (
          <span className="runtime-bar__compiler">
            {compiler.ok
              ? `TypeScript compiler ready (${Math.round(compiler.ms)} ms)`
              : 'TypeScript compiler failed to start'}
          </span>
        )}
        <button
          type="button"
          className="runtime-bar__restart"
          onClick={restart}
          disabled={status !== 'ready'}
          title="Stop every process and forget every binding; your code stays"
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
                onClick={() => dismiss(notice.id)}
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
