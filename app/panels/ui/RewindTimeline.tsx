/**
 * The rewind timeline under the panels: the run's kept history as a track to drag, with marks for
 * crashes, restarts and exits, steps of one event, Live, and the trace files (export, open).
 *
 * The track is a native range input (keyboard, screen readers and touch for free); the marks are
 * drawn over it, inset by half the thumb so a mark sits exactly where the thumb would stand.
 * Everything it shows comes from the panels' store; it only asks the store to seek.
 */
import type { ChangeEvent } from 'react';
import { useRef, useState } from 'react';
import type { TimelineMark } from '../model/panelMessages';
import type { AppState } from '../../store/appStore';
import { useAppStore } from '../../store/appStore';
import { useRoute } from '../../routing/router';
import { MAX_TRACE_FILE_BYTES, tooLargeMessage } from '../panelsSlice';
import './panels.css';

const selectTimeline = (state: AppState) => state.panelsTimeline;
const selectIndex = (state: AppState) => state.panelsRewindIndex;
const selectFrame = (state: AppState) => state.panelsRewind?.frame ?? null;
const selectError = (state: AppState) => state.panelsRewindError;
const selectSeek = (state: AppState) => state.seekRewind;
const selectStep = (state: AppState) => state.stepRewind;
const selectLive = (state: AppState) => state.goLive;
const selectExport = (state: AppState) => state.exportTrace;
const selectImport = (state: AppState) => state.importTrace;
const selectSetError = (state: AppState) => state.setRewindError;
const selectSetCapacity = (state: AppState) => state.setHistoryCapacity;

/** History sizes offered (events kept at least). */
const CAPACITIES = [10_000, 100_000, 500_000, 2_000_000] as const;

const MARK_NAMES: Readonly<Record<TimelineMark['kind'], string>> = {
  crash: 'Crash',
  restart: 'Restart',
  exit: 'Exit',
};

/** Seconds with two decimals: the clock of the run. */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** The name of an exported trace file: the chapter's slug, so files of two chapters differ. */
export function traceFileName(slug: string | null): string {
  const safe = (slug ?? 'page').replace(/[^a-z0-9-]+/gi, '-').replace(/^-+|-+$/g, '') || 'page';
  return `actorbook-trace-${safe}.json`;
}

function saveFile(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by the next turn; the URL is only needed until then.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function RewindTimeline() {
  const timeline = useAppStore(selectTimeline);
  const index = useAppStore(selectIndex);
  const frame = useAppStore(selectFrame);
  const error = useAppStore(selectError);
  const seek = useAppStore(selectSeek);
  const step = useAppStore(selectStep);
  const goLive = useAppStore(selectLive);
  const exportTrace = useAppStore(selectExport);
  const importTrace = useAppStore(selectImport);
  const setError = useAppStore(selectSetError);
  const setCapacity = useAppStore(selectSetCapacity);
  const route = useRoute();
  const picker = useRef<HTMLInputElement>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const slug = route.name === 'chapter' ? route.slug : null;
  const empty = !timeline || timeline.end <= timeline.first;
  const imported = timeline?.source === 'imported';
  const live = index === null && !imported;

  const onExport = () => {
    setSaved(null);
    exportTrace().then(
      ({ json, events }) => {
        const name = traceFileName(slug);
        saveFile(name, json);
        setSaved(`Saved ${name} (${events.toLocaleString()} events).`);
      },
      (reason: unknown) => setError(reason instanceof Error ? reason.message : String(reason)),
    );
  };

  const onPick = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setSaved(null);
    if (file.size > MAX_TRACE_FILE_BYTES) {
      setError(tooLargeMessage(file.size));
      return;
    }
    file.text().then(importTrace, () => setError(`The file ${file.name} could not be read.`));
  };

  const files = (
    <span className="rewind__files">
      {!empty && !imported && (
        <button
          type="button"
          className="panel-button"
          onClick={onExport}
          title="Save the kept history as a JSON file, to look at later or on another machine"
        >
          Export trace
        </button>
      )}
      <button
        type="button"
        className="panel-button"
        onClick={() => picker.current?.click()}
        title="Look at a trace exported earlier"
      >
        Open trace…
      </button>
      <input
        ref={picker}
        type="file"
        accept=".json,application/json"
        className="rewind__picker"
        tabIndex={-1}
        aria-hidden="true"
        onChange={onPick}
      />
    </span>
  );
  const messages = (
    <>
      {error && (
        <p className="rewind__error" role="alert">
          {error}
        </p>
      )}
      {saved && (
        <p className="rewind__note" role="status">
          {saved}
        </p>
      )}
    </>
  );

  if (empty) {
    // No history yet: only a way to open a trace file, so one can be looked at on a fresh page.
    return (
      <section className="rewind rewind--empty" aria-label="Rewind timeline">
        <div className="rewind__bar">{files}</div>
        {messages}
      </section>
    );
  }

  const last = timeline.end - 1;
  const shown = index ?? last;
  const span = Math.max(1, last - timeline.first);
  const place = (at: number) => `${((at - timeline.first) / span) * 100}%`;
  const time = frame && index !== null ? frame.time : timeline.endTime;
  const readout = live
    ? `live · ${timeline.end.toLocaleString()} events · ${seconds(timeline.endTime)}`
    : `event ${(shown + 1).toLocaleString()} of ${timeline.end.toLocaleString()} · ${seconds(time)}`;

  return (
    <section
      className={`rewind${live ? '' : ' rewind--rewound'}${imported ? ' rewind--imported' : ''}`}
      aria-label="Rewind timeline"
      data-frame-index={frame && index !== null ? frame.index : undefined}
    >
      {imported && (
        <p className="rewind__banner" role="status">
          <strong>Viewing an imported trace</strong>, not this page&apos;s run. Live returns to it.
        </p>
      )}
      <div className="rewind__track">
        <input
          type="range"
          className="rewind__range"
          min={timeline.first}
          max={last}
          step={1}
          value={shown}
          aria-label="Moment shown in the panels"
          aria-valuetext={readout}
          onChange={(event) => seek(Number(event.target.value))}
        />
        <div className="rewind__marks">
          {timeline.marks.map((mark) => (
            <button
              type="button"
              key={`${mark.index}-${mark.kind}-${mark.pid}`}
              className={`rewind__mark rewind__mark--${mark.kind}${
                mark.index === index ? ' is-current' : ''
              }`}
              style={{ left: place(mark.index) }}
              title={mark.text}
              aria-label={`${MARK_NAMES[mark.kind]}: ${mark.text}`}
              tabIndex={-1}
              data-index={mark.index}
              onClick={() => seek(mark.index)}
            />
          ))}
        </div>
      </div>
      <div className="rewind__bar">
        <button
          type="button"
          className="panel-button"
          onClick={() => step(-1)}
          disabled={shown <= timeline.first && !live}
          title="Step back one event (key ,)"
        >
          ◂ Step back <kbd>,</kbd>
        </button>
        <button
          type="button"
          className="panel-button"
          onClick={() => step(1)}
          disabled={live || shown >= last}
          title="Step forward one event (key .)"
        >
          Step forward <kbd>.</kbd> ▸
        </button>
        <button
          type="button"
          className={`panel-button rewind__live${live ? ' is-live' : ''}`}
          onClick={goLive}
          aria-pressed={live}
          disabled={live}
          title={live ? 'The panels show the running system' : 'Back to the running system'}
        >
          Live
        </button>
        <span className="rewind__readout" aria-live="polite">
          {readout}
        </span>
        {files}
      </div>
      {!live && frame && <p className="rewind__event">{frame.event}</p>}
      {!imported && (
        <label className="rewind__note rewind__capacity">
          <span>History keeps</span>
          <select
            value={String(timeline.capacity)}
            onChange={(event) => setCapacity(Number(event.target.value))}
          >
            {[...new Set([...CAPACITIES, timeline.capacity])]
              .sort((a, b) => a - b)
              .map((capacity) => (
                <option key={capacity} value={String(capacity)}>
                  {capacity.toLocaleString()} events
                </option>
              ))}
          </select>
        </label>
      )}
      {(timeline.dropped > 0 || timeline.skipped > 0) && (
        <p className="rewind__note">
          {timeline.dropped > 0 &&
            `Older events dropped: ${timeline.dropped.toLocaleString()}; the history keeps the last ${timeline.capacity.toLocaleString()}. `}
          {timeline.skipped > 0 &&
            `${timeline.skipped.toLocaleString()} events were skipped when the runtime outran the panels: the history has gaps there.`}
        </p>
      )}
      {messages}
    </section>
  );
}
