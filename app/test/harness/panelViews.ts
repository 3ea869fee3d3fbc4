/**
 * A test-only page that draws SupervisionTreeView or SequenceView from a JSON fixture (data from
 * a real runtime run, see app/test/panels/viewScenarios.ts), so the drawings can be screenshot
 * and driven in Chromium without a worker, a chapter or the panel dock around them.
 *
 * Query: `view=tree|seq`, `fixture=<name>` (fetched from `./<name>.json`), `unfolded=<name>`
 * (the fixture to show when the first root is unfolded), `theme=dark`, `projector`,
 * `mode=panel|cell`, `live`, `selffold` (no `onToggle`: the drawing folds by itself). What the callbacks receive is kept in `window.harness`.
 */
import { createElement, useState } from 'react';
import { createRoot } from 'react-dom/client';
import '../../styles.css';
import type { Participant, SequenceItem } from '../../panels/model/sequenceModel';
import type { TreeNode } from '../../panels/model/supervisionTree';
import { SequenceView } from '../../panels/ui/SequenceView';
import { SupervisionTreeView } from '../../panels/ui/SupervisionTreeView';

interface TreeData {
  roots: TreeNode[];
  unlinked: number;
  now: number;
}
interface SequenceData {
  items: SequenceItem[];
  participants: Participant[];
}

/** What the drawings reported, for the browser test to read. */
interface HarnessLog {
  ready: boolean;
  selected: number[];
  toggled: string[];
  hovered: (number | null)[];
  participants: (number | null)[];
  error: string | null;
}

declare global {
  interface Window {
    harness: HarnessLog;
  }
}

const log: HarnessLog = {
  ready: false,
  selected: [],
  toggled: [],
  hovered: [],
  participants: [],
  error: null,
};
window.harness = log;

const query = new URLSearchParams(location.search);
const html = document.documentElement;
html.dataset.theme = query.get('theme') === 'dark' ? 'dark' : 'light';
if (query.has('projector')) html.dataset.projector = '';
const mode = query.get('mode') === 'cell' ? 'cell' : 'panel';

const style = document.createElement('style');
style.textContent = `
  body { background: var(--paper); }
  .harness { display: grid; grid-template-columns: 1fr minmax(0, 46%); height: 100vh; }
  .harness__prose { padding: 1.5rem 2rem; overflow: hidden; color: var(--muted); }
  .harness__panel { display: flex; flex-direction: column; border-left: 1px solid var(--rule);
    background: var(--tint); padding: 0.5rem; min-height: 0; }
  .harness__panel h2 { font-size: 0.95rem; margin: 0.2rem 0.3rem 0.5rem; color: var(--ink); }
  .harness__body { flex: 1; min-height: 0; }
  .harness__cell { max-width: var(--measure); margin: 1.5rem auto; padding: 0 1.5rem; }
  .harness__cell pre { background: var(--code-paper); padding: 0.6rem; border-radius: 4px;
    border: 1px solid var(--rule); margin: 0 0 0.5rem; color: var(--ink); }
`;
document.head.append(style);

async function load<T>(name: string): Promise<T> {
  const response = await fetch(`./${name}.json`);
  if (!response.ok) throw new Error(`No fixture ${name}: ${response.status}`);
  return (await response.json()) as T;
}

function TreeHarness({ folded, unfolded }: { folded: TreeData; unfolded: TreeData | null }) {
  const [open, setOpen] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const data = open && unfolded ? unfolded : folded;
  return createElement(SupervisionTreeView, {
    nodes: data.roots,
    unlinked: data.unlinked,
    now: data.now,
    selectedPid: selected,
    compact: mode === 'cell',
    onSelect: (pid: number) => {
      log.selected.push(pid);
      setSelected(pid);
    },
    // `selffold`: no owner for folding, as in a cell output; the drawing folds by itself.
    onToggle: query.has('selffold')
      ? undefined
      : (key: string) => {
          log.toggled.push(key);
          if (key === folded.roots[0]?.key) setOpen((o) => !o);
        },
  });
}

function SequenceHarness({ data }: { data: SequenceData }) {
  const [selected, setSelected] = useState<number | null>(null);
  return createElement(SequenceView, {
    items: data.items,
    participants: data.participants,
    compact: mode === 'cell',
    live: query.has('live'),
    selectedPid: selected,
    onHoverItem: (item: SequenceItem | null) => log.hovered.push(item ? item.seq : null),
    onSelectParticipant: (id: number | null) => {
      log.participants.push(id);
      setSelected(id);
    },
  });
}

function frame(title: string, drawing: ReturnType<typeof createElement>) {
  if (mode === 'cell') {
    return createElement(
      'div',
      { className: 'harness__cell' },
      createElement('pre', null, title === 'Sequence trace' ? 'viz.seqTrace(fn)' : 'viz.tree(sup)'),
      drawing,
    );
  }
  return createElement(
    'div',
    { className: 'harness' },
    createElement(
      'div',
      { className: 'harness__prose' },
      createElement('h1', null, 'Chapter text'),
      createElement('p', null, 'The notebook sits here; the panel is on the right.'),
    ),
    createElement(
      'section',
      { className: 'harness__panel', 'aria-label': title },
      createElement('h2', null, title),
      createElement('div', { className: 'harness__body' }, drawing),
    ),
  );
}

async function main() {
  const root = createRoot(document.getElementById('root')!);
  const fixture = query.get('fixture') ?? 'tree-three';
  if (query.get('view') === 'seq') {
    const data = await load<SequenceData>(fixture);
    root.render(frame('Sequence trace', createElement(SequenceHarness, { data })));
  } else {
    const folded = await load<TreeData>(fixture);
    const other = query.get('unfolded');
    const unfolded = other ? await load<TreeData>(other) : null;
    root.render(frame('Supervision tree', createElement(TreeHarness, { folded, unfolded })));
  }
  requestAnimationFrame(() => requestAnimationFrame(() => (log.ready = true)));
}

main().catch((error: unknown) => {
  log.error = String(error);
});
