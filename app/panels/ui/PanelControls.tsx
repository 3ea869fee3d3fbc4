/**
 * The scheduler controls above the panels: pause, step one scheduling step, resume, slow motion
 * and clear the trace. They act on the chapter's runtime through the worker, so they work while a
 * cell is still running (a paused cell simply waits).
 */
import type { ChangeEvent } from 'react';
import type { AppState } from '../../store/appStore';
import { useAppStore } from '../../store/appStore';
import './panels.css';

/** The speeds the slow-motion control offers: real time and three slower ones. */
export const SPEEDS = [1, 0.5, 0.25, 0.1] as const;

const selectScheduler = (state: AppState) => state.panelsScheduler;
const selectConnected = (state: AppState) => state.runtimeClient !== null;
const selectPause = (state: AppState) => state.pauseScheduler;
const selectResume = (state: AppState) => state.resumeScheduler;
const selectStep = (state: AppState) => state.stepScheduler;
const selectSpeed = (state: AppState) => state.setSchedulerSpeed;
const selectClear = (state: AppState) => state.clearTrace;

export function PanelControls() {
  const scheduler = useAppStore(selectScheduler);
  const connected = useAppStore(selectConnected);
  const pause = useAppStore(selectPause);
  const resume = useAppStore(selectResume);
  const step = useAppStore(selectStep);
  const setSpeed = useAppStore(selectSpeed);
  const clear = useAppStore(selectClear);
  const onSpeed = (event: ChangeEvent<HTMLSelectElement>) => setSpeed(Number(event.target.value));
  const speedLabel = scheduler.rate === 1 ? '' : `, ×${scheduler.rate}`;

  return (
    <div className="panel-controls" role="toolbar" aria-label="Scheduler controls">
      <span
        className={`panel-controls__state${scheduler.paused ? ' panel-controls__state--paused' : ''}`}
        role="status"
        aria-label="Scheduler"
      >
        {scheduler.paused ? 'Paused' : 'Running'}
        {speedLabel}
      </span>
      <button
        type="button"
        className="panel-button"
        onClick={pause}
        disabled={!connected || scheduler.paused}
      >
        Pause
      </button>
      <button
        type="button"
        className="panel-button"
        onClick={step}
        disabled={!connected}
        title="Run one scheduling step (one process resumes, usually to take one message), then pause"
      >
        Step
      </button>
      <button
        type="button"
        className="panel-button"
        onClick={resume}
        disabled={!connected || !scheduler.paused}
      >
        Resume
      </button>
      <label className="panel-controls__speed">
        <span>Speed</span>
        <select value={String(scheduler.rate)} onChange={onSpeed} disabled={!connected}>
          {SPEEDS.map((rate) => (
            <option key={rate} value={String(rate)}>
              {rate === 1 ? 'Real time' : `×${rate} (slow motion)`}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="panel-button" onClick={clear} disabled={!connected}>
        Clear trace
      </button>
    </div>
  );
}
