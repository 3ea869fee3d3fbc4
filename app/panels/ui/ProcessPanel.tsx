/**
 * The processes and mailboxes panel: every live process in a sortable, filterable table, and the
 * selected process's mailbox, pending receive, links and monitors, with a Kill button.
 *
 * The table is windowed by hand: rows have one fixed height, so the rows in view are a slice of
 * the sorted list computed from the scroll offset, and only those (plus a few either side) are in
 * the DOM. That keeps 10,000 processes as cheap to draw as 30, without a dependency: a general
 * virtualiser (measuring rows, variable heights) would solve problems this table does not have.
 */
import type { ChangeEvent, KeyboardEvent as ReactKeyboardEvent, UIEvent } from 'react';
import {
  memo,
  useCallback,
  useDeferredValue,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { ProcessRow, ProcessSortKey } from '../model/processTable';
import { IO_DEVICE, filterProcesses, sortProcesses } from '../model/processTable';
import type { AppState } from '../../store/appStore';
import { useAppStore } from '../../store/appStore';
import type { StatusFilter } from '../panelsSlice';
import {
  processFilterOf,
  selectRewound,
  selectShownDetail,
  selectShownTable,
  selectShownTableVersion,
} from '../panelsSlice';
import { pidText } from '../model/describe';
import { useFontScale } from './useFontScale';
import './panels.css';

/** Row height at the default type size, in CSS pixels. */
const ROW_PX = 26;
/** Rows drawn beyond each edge of the view, so fast scrolling shows no gaps. */
const OVERSCAN = 8;

interface Column {
  readonly key: ProcessSortKey;
  readonly title: string;
  readonly className: string;
}

const COLUMNS: readonly Column[] = [
  { key: 'status', title: 'Status', className: 'proc-col--status' },
  { key: 'pid', title: 'Pid', className: 'proc-col--pid' },
  { key: 'name', title: 'Name', className: 'proc-col--name' },
  { key: 'queue', title: 'Queue', className: 'proc-col--num' },
  { key: 'reductions', title: 'Reductions', className: 'proc-col--num' },
  { key: 'links', title: 'Links', className: 'proc-col--num' },
  { key: 'monitors', title: 'Monitors', className: 'proc-col--num' },
  { key: 'behaviour', title: 'Behaviour', className: 'proc-col--behaviour' },
];

const STATUS_FILTERS: readonly StatusFilter[] = [
  'all',
  'running',
  'waiting',
  'suspended',
  'exiting',
];

const selectTable = selectShownTable;
const selectVersion = selectShownTableVersion;
const selectList = (state: AppState) => state.panelsList;
const selectSelected = (state: AppState) => state.panelsSelectedPid;
const selectSelect = (state: AppState) => state.selectProcess;
const selectSort = (state: AppState) => state.sortProcessList;
const selectFilter = (state: AppState) => state.filterProcessList;

/** 'runnable' reads as running in the panel: it runs as soon as the scheduler gets to it. */
function statusText(row: ProcessRow): string {
  return row.status === 'runnable' ? 'running' : row.status;
}

export function ProcessPanel() {
  const table = useAppStore(selectTable);
  // Deferred: re-sorting 10,000 rows may wait for a free moment rather than cost a frame.
  const version = useDeferredValue(useAppStore(selectVersion));
  const list = useAppStore(selectList);
  const selected = useAppStore(selectSelected);
  const select = useAppStore(selectSelect);
  const sort = useAppStore(selectSort);
  const filter = useAppStore(selectFilter);

  const { rows, total } = useMemo(() => {
    void version; // the table is mutated in place; its version says when to recompute
    const kept = filterProcesses(table.rows.values(), processFilterOf(list));
    let devices = 0;
    if (!list.ioDevices)
      for (const row of table.rows.values()) if (row.behaviour === IO_DEVICE) devices++;
    return {
      rows: sortProcesses(kept, list.sortKey, list.direction),
      total: table.rows.size - devices,
    };
  }, [table, version, list]);

  const scale = useFontScale();
  const rowHeight = Math.round(ROW_PX * scale);
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 300 });
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const read = () =>
      setView((v) =>
        v.height === element.clientHeight ? v : { top: v.top, height: element.clientHeight },
      );
    read();
    const observer = new ResizeObserver(read);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const onScroll = useCallback((event: UIEvent<HTMLDivElement>) => {
    const { scrollTop, clientHeight } = event.currentTarget;
    setView({ top: scrollTop, height: clientHeight });
  }, []);

  const first = Math.max(0, Math.floor(view.top / rowHeight) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((view.top + view.height) / rowHeight) + OVERSCAN);
  const shown = rows.slice(first, last);

  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const index = rows.findIndex((row) => row.id === selected);
    const next =
      rows[Math.max(0, Math.min(rows.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)))];
    if (!next) return;
    select(next.id);
    const element = scroller.current;
    const at = rows.indexOf(next) * rowHeight;
    if (
      element &&
      (at < element.scrollTop || at + rowHeight > element.scrollTop + element.clientHeight)
    )
      element.scrollTop = Math.max(0, at - element.clientHeight / 2);
  };

  return (
    <div className="process-panel">
      <div className="process-panel__filters">
        <input
          type="search"
          className="panel-input"
          placeholder="Filter by pid, name, behaviour"
          aria-label="Filter processes"
          value={list.text}
          onChange={(event: ChangeEvent<HTMLInputElement>) => filter({ text: event.target.value })}
        />
        <label className="panel-field">
          <span>Status</span>
          <select
            value={list.status}
            onChange={(event) => filter({ status: event.target.value as StatusFilter })}
          >
            {STATUS_FILTERS.map((status) => (
              <option key={status} value={status}>
                {status === 'all' ? 'Any' : status}
              </option>
            ))}
          </select>
        </label>
        <label
          className="panel-field"
          title="Each cell's output goes through an I/O device process; they are hidden unless asked for"
        >
          <input
            type="checkbox"
            checked={list.ioDevices}
            onChange={(event) => filter({ ioDevices: event.target.checked })}
          />
          <span>I/O devices</span>
        </label>
        <span className="process-panel__count" aria-live="polite">
          {rows.length === total
            ? `${total} process${total === 1 ? '' : 'es'}`
            : `${rows.length} of ${total}`}
        </span>
      </div>
      <div
        className="process-table"
        role="grid"
        aria-label="Processes (arrow keys move the selection)"
        aria-rowcount={rows.length + 1}
        style={{ ['--proc-row' as string]: `${rowHeight}px` }}
        ref={scroller}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        tabIndex={0}
      >
        <div className="process-table__head" role="row" aria-rowindex={1}>
          {COLUMNS.map((column) => {
            const active = list.sortKey === column.key;
            return (
              <div
                key={column.key}
                role="columnheader"
                className={`proc-col ${column.className}`}
                aria-sort={
                  active ? (list.direction === 'asc' ? 'ascending' : 'descending') : 'none'
                }
              >
                <button
                  type="button"
                  className="process-table__sort"
                  onClick={() => sort(column.key)}
                >
                  {column.title}
                  {active ? (list.direction === 'asc' ? ' ▲' : ' ▼') : ''}
                </button>
              </div>
            );
          })}
        </div>
        <div
          className="process-table__rows"
          role="rowgroup"
          style={{ height: rows.length * rowHeight }}
        >
          {shown.map((row, i) => (
            <ProcessRowView
              key={row.id}
              row={row}
              index={first + i}
              top={(first + i) * rowHeight}
              selected={row.id === selected}
              onSelect={select}
            />
          ))}
        </div>
        {rows.length === 0 && (
          <p className="panel-empty">
            {total === 0 ? 'No processes yet: run a cell.' : 'No process matches.'}
          </p>
        )}
      </div>
      {selected !== null && <ProcessDetails pid={selected} />}
    </div>
  );
}

const ProcessRowView = memo(function ProcessRowView({
  row,
  index,
  top,
  selected,
  onSelect,
}: {
  row: ProcessRow;
  index: number;
  top: number;
  selected: boolean;
  onSelect(pid: number | null): void;
}) {
  const status = statusText(row);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={`process-row${selected ? ' process-row--selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => onSelect(selected ? null : row.id)}
    >
      <div role="gridcell" className="proc-col proc-col--status">
        <span className={`proc-status proc-status--${status}`}>{status}</span>
      </div>
      <div role="gridcell" className="proc-col proc-col--pid">
        {row.pid}
      </div>
      <div role="gridcell" className="proc-col proc-col--name" title={row.label}>
        {row.name ?? <span className="proc-label">{row.label}</span>}
      </div>
      <div
        role="gridcell"
        className={`proc-col proc-col--num${row.queueLength > 0 ? ' proc-queue--busy' : ''}`}
        aria-label={`Queue ${row.queueLength}`}
      >
        {row.queueLength}
      </div>
      <div role="gridcell" className="proc-col proc-col--num">
        {row.reductions}
      </div>
      <div role="gridcell" className="proc-col proc-col--num">
        {row.links.size}
      </div>
      <div role="gridcell" className="proc-col proc-col--num">
        {row.monitors.size + row.monitoredBy.size}
      </div>
      <div role="gridcell" className="proc-col proc-col--behaviour">
        {row.behaviour ?? ''}
      </div>
    </div>
  );
});

const selectDetail = selectShownDetail;
const selectKill = (state: AppState) => state.killProcess;

/** The selected process: its mailbox (oldest first, newest last) and what it waits for. */
function ProcessDetails({ pid }: { pid: number }) {
  const detail = useAppStore(selectDetail);
  const table = useAppStore(selectTable);
  useAppStore(selectVersion);
  const select = useAppStore(selectSelect);
  const kill = useAppStore(selectKill);
  const rewound = useAppStore(selectRewound);
  const row = table.rows.get(pid);
  const title = row?.name ? `${row.name} ${pidText(pid)}` : pidText(pid);
  const gone = !row && detail === null;

  return (
    <section className="process-details" aria-label={`Process ${pidText(pid)}`}>
      <header className="process-details__head">
        <h4>{title}</h4>
        <button
          type="button"
          className="panel-button panel-button--danger"
          onClick={() => kill(pid, 'kill')}
          disabled={gone || rewound}
          title={
            rewound
              ? 'The panels show a past moment: press Live to act on the running processes'
              : "Process.exit(pid, 'kill'): an exit signal no process can trap"
          }
        >
          Kill
        </button>
        <button
          type="button"
          className="panel-button"
          onClick={() => select(null)}
          aria-label="Close the details"
        >
          ×
        </button>
      </header>
      {gone ? (
        <p className="panel-empty">
          {rewound ? 'This process is not alive at this moment.' : 'This process has exited.'}
        </p>
      ) : (
        <>
          <p className="process-details__facts">
            {detail?.label && <span>started as {detail.label}</span>}
            {detail?.behaviour && <span>{detail.behaviour}</span>}
            {row && <span>status {statusText(row)}</span>}
            {row?.trapExit && <span>traps exits</span>}
          </p>
          <h5>Waiting for</h5>
          {detail?.waitingFor ? (
            <p className="process-details__waiting">
              {detail.waitingFor.hibernating
                ? 'hibernating: any message wakes it'
                : detail.waitingFor.patterns.map((pattern, i) => <code key={i}>{pattern}</code>)}
              {detail.waitingFor.timeout !== null && (
                <span> after {String(detail.waitingFor.timeout)} ms</span>
              )}
            </p>
          ) : (
            <p className="panel-empty">Not in a receive.</p>
          )}
          <h5>
            Mailbox ({detail?.queueLength ?? row?.queueLength ?? 0}
            {detail && detail.omitted > 0 ? `, ${detail.omitted} not shown` : ''}), oldest first
          </h5>
          {detail && detail.messages.length > 0 ? (
            <ol className="process-details__mailbox" aria-label="Queued messages, newest last">
              {detail.messages.map((message, i) => (
                <li key={i}>
                  <code>{message}</code>
                </li>
              ))}
            </ol>
          ) : (
            <p className="panel-empty">Empty.</p>
          )}
          {row && (
            <p className="process-details__peers">
              <span>
                Links:{' '}
                {row.links.size === 0
                  ? 'none'
                  : [...row.links].map((id) => <PeerButton key={id} id={id} onSelect={select} />)}
              </span>
              <span>
                Monitors:{' '}
                {row.monitors.size === 0
                  ? 'none'
                  : [...row.monitors.values()].map((target, i) =>
                      typeof target === 'number' ? (
                        <PeerButton key={i} id={target} onSelect={select} />
                      ) : (
                        <code key={i}>{target}</code>
                      ),
                    )}
              </span>
              <span>
                Monitored by:{' '}
                {row.monitoredBy.size === 0
                  ? 'none'
                  : [...row.monitoredBy.values()].map((id, i) => (
                      <PeerButton key={i} id={id} onSelect={select} />
                    ))}
              </span>
            </p>
          )}
        </>
      )}
    </section>
  );
}

function PeerButton({ id, onSelect }: { id: number; onSelect(pid: number): void }) {
  return (
    <button type="button" className="panel-link" onClick={() => onSelect(id)}>
      {pidText(id)}
    </button>
  );
}
