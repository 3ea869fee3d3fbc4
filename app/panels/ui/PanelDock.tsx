/**
 * The live panels beside the notebook: the scheduler controls, then the supervision tree, the
 * processes and mailboxes, and the sequence trace, each a section the person can fold (a folded
 * section costs the worker nothing), and under them the rewind timeline. A right-hand column on wide screens, a bottom drawer on
 * narrow ones; the whole dock folds to its header, and hides when the shell hides the panels
 * (projector mode does by default).
 *
 * The dock is fixed to the viewport, so it marks <html> with `data-panel-dock` and its CSS keeps
 * the page's content clear of it, whatever layout the page has.
 */
import type { ComponentType, ReactNode } from 'react';
import { useEffect } from 'react';
import type { PanelName } from '../model/panelMessages';
import { PANEL_NAMES } from '../model/panelMessages';
import type { AppState } from '../../store/appStore';
import { useAppStore } from '../../store/appStore';
import { PanelControls } from './PanelControls';
import { ProcessPanel } from './ProcessPanel';
import { RewindTimeline } from './RewindTimeline';
import { SequencePanel } from './SequencePanel';
import { TreePanel } from './TreePanel';
import './panels.css';

/**
 * What the dock shows for each panel, in `PANEL_NAMES` order. A `Record` over the names, so a
 * panel added to that list does not compile until it has a section here.
 */
const PANEL_SECTIONS: Readonly<Record<PanelName, { title: string; View: ComponentType }>> = {
  tree: { title: 'Supervision tree', View: TreePanel },
  processes: { title: 'Processes and mailboxes', View: ProcessPanel },
  sequence: { title: 'Sequence trace', View: SequencePanel },
};

const selectVisible = (state: AppState) => state.panelsVisible;
const selectCollapsed = (state: AppState) => state.panelsCollapsed;
const selectSetCollapsed = (state: AppState) => state.setPanelsCollapsed;
const selectConnected = (state: AppState) => state.runtimeClient !== null;
const selectLag = (state: AppState) => state.panelsLag;

export function PanelDock() {
  const visible = useAppStore(selectVisible);
  const collapsed = useAppStore(selectCollapsed);
  const setCollapsed = useAppStore(selectSetCollapsed);
  const connected = useAppStore(selectConnected);
  const shown = visible && connected;

  useEffect(() => {
    if (!shown) return;
    const root = document.documentElement;
    root.dataset.panelDock = collapsed ? 'collapsed' : 'open';
    return () => {
      delete root.dataset.panelDock;
    };
  }, [shown, collapsed]);

  if (!shown) return null;
  return (
    <aside
      className={`panel-dock${collapsed ? ' panel-dock--collapsed' : ''}`}
      aria-label="Live panels"
    >
      <header className="panel-dock__head">
        <h2 className="panel-dock__title">Live panels</h2>
        <LagNote />
        <button
          type="button"
          className="panel-button"
          aria-expanded={!collapsed}
          aria-controls="panel-dock-body"
          onClick={() => setCollapsed(!collapsed)}
        >
          {collapsed ? 'Show panels' : 'Fold panels'}
        </button>
      </header>
      {!collapsed && (
        <div className="panel-dock__body" id="panel-dock-body">
          <PanelControls />
          <div className="panel-dock__sections">
            {PANEL_NAMES.map((panel) => {
              const { title, View } = PANEL_SECTIONS[panel];
              return (
                <DockSection key={panel} panel={panel} title={title}>
                  <View />
                </DockSection>
              );
            })}
          </div>
          <RewindTimeline />
        </div>
      )}
    </aside>
  );
}

/** Says so when the worker had to skip events to keep up (the panels then show the present). */
function LagNote() {
  const lag = useAppStore(selectLag);
  if (lag.skipped === 0) return null;
  return (
    <span
      className="panel-dock__lag"
      title="The runtime produced events faster than the panels could show them"
    >
      {lag.skipped.toLocaleString()} events skipped
    </span>
  );
}

const selectOpen = (state: AppState) => state.panelsOpen;
const selectSetOpen = (state: AppState) => state.setPanelOpen;

function DockSection({
  panel,
  title,
  children,
}: {
  panel: PanelName;
  title: string;
  children: ReactNode;
}) {
  const open = useAppStore(selectOpen)[panel];
  const setOpen = useAppStore(selectSetOpen);
  const id = `panel-section-${panel}`;
  return (
    <section
      className={`panel-section panel-section--${panel}${open ? ' panel-section--open' : ''}`}
      aria-labelledby={`${id}-title`}
    >
      <h3 className="panel-section__title" id={`${id}-title`}>
        <button
          type="button"
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen(panel, !open)}
        >
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> {title}
        </button>
      </h3>
      {open && (
        <div className="panel-section__body" id={id}>
          {children}
        </div>
      )}
    </section>
  );
}
