/**
 * What appears under a cell, as an ordered list of items: text a cell (or a process it started)
 * wrote, and rich outputs (`viz`). Kept pure so the notebook reducer and its tests share it.
 *
 * Why a list of items rather than one string per stream: rich outputs interleave with text in
 * the order they arrived, and an animation sends the same rich output id again and again, which
 * must replace the earlier frame where it stands instead of growing the list.
 */
import type { CellResult, OutputStream, RichOutput, ViewOutput } from '../engine/protocol';
import { applyViewPatches } from '../engine/protocol';

/** Where a cell's latest run is; the notebook model is the one place that moves it. */
export type CellPhase = 'idle' | 'queued' | 'running';

/** A run of consecutive text in one stream. */
export interface TextOutputItem {
  readonly kind: 'text';
  readonly stream: OutputStream;
  readonly text: string;
}

/** A rich output (table, chart, Markdown, …); its `id` identifies it for replacement. */
export interface RichOutputItem {
  readonly kind: 'rich';
  readonly output: RichOutput;
}

/** One item under a cell, in arrival order. */
export type CellOutputItem = TextOutputItem | RichOutputItem;

/**
 * What the output area needs from a cell. The notebook's cell state extends this, so components
 * that render output (CellOutput) depend on this small type only.
 */
export interface CellView {
  readonly id: string;
  readonly phase: CellPhase;
  readonly outputs: readonly CellOutputItem[];
  /** How the last run ended, or null before the first run (and while a run is queued). */
  readonly result: CellResult | null;
  /** How long the last run took in the worker, in ms. */
  readonly ms: number | null;
}

/** Characters of text output one cell keeps on the page; the oldest text goes beyond that. */
export const MAX_OUTPUT_CHARS = 200_000;
/** Rich outputs one cell keeps; the oldest go beyond that. */
export const MAX_RICH_ITEMS = 200;

/**
 * The items after `item` arrives: text joins the last item when it is text of the same stream;
 * a rich output whose id is already shown replaces that item where it stands. Text beyond
 * `cap` characters is dropped from the start, and rich items beyond `maxRich` likewise.
 */
export function appendOutputItem(
  items: readonly CellOutputItem[],
  item: CellOutputItem,
  cap: number = MAX_OUTPUT_CHARS,
  maxRich: number = MAX_RICH_ITEMS,
): readonly CellOutputItem[] {
  if (item.kind === 'rich') {
    const id = item.output.id;
    const at = items.findIndex((existing) => existing.kind === 'rich' && existing.output.id === id);
    let incoming: RichOutputItem = item;
    if (item.output.kind === 'view' && item.output.patches !== null) {
      const existing = at >= 0 ? items[at] : undefined;
      const before = existing?.kind === 'rich' ? existing.output : null;
      incoming = { kind: 'rich', output: patchedView(before, item.output) };
    }
    if (at >= 0) return items.map((existing, index) => (index === at ? incoming : existing));
    return dropOldRich([...items, incoming], maxRich);
  }
  if (item.text.length === 0) return items;
  const last = items.at(-1);
  const merged =
    last?.kind === 'text' && last.stream === item.stream
      ? [
          ...items.slice(0, -1),
          { kind: 'text' as const, stream: item.stream, text: last.text + item.text },
        ]
      : [...items, item];
  return capText(merged, cap);
}

/**
 * A view's patches applied to the tree it showed (version `version - 1`): the item keeps the
 * whole tree, so the page draws it like any other. A patch that does not follow the version shown
 * leaves the view without a tree and a note, never a wrong tree.
 */
function patchedView(before: RichOutput | null, next: ViewOutput): ViewOutput {
  const base =
    before?.kind === 'view' && before.tree !== null && before.version === next.version - 1
      ? before.tree
      : null;
  const tree = base === null ? null : applyViewPatches(base, next.patches ?? []);
  return tree === null
    ? {
        ...next,
        tree: null,
        patches: null,
        note: next.note ?? 'This view is out of date: run the cell again.',
      }
    : { ...next, tree, patches: null };
}

/** Total characters of text among the items. */
export function textLength(items: readonly CellOutputItem[]): number {
  let total = 0;
  for (const item of items) if (item.kind === 'text') total += item.text.length;
  return total;
}

function capText(items: CellOutputItem[], cap: number): CellOutputItem[] {
  let excess = textLength(items) - cap;
  if (excess <= 0) return items;
  const kept: CellOutputItem[] = [];
  for (const item of items) {
    if (excess > 0 && item.kind === 'text') {
      if (item.text.length <= excess) {
        excess -= item.text.length;
        continue;
      }
      kept.push({ ...item, text: item.text.slice(excess) });
      excess = 0;
      continue;
    }
    kept.push(item);
  }
  return kept;
}

function dropOldRich(items: CellOutputItem[], maxRich: number): CellOutputItem[] {
  let excess = items.filter((item) => item.kind === 'rich').length - maxRich;
  if (excess <= 0) return items;
  return items.filter((item) => {
    if (excess > 0 && item.kind === 'rich') {
      excess -= 1;
      return false;
    }
    return true;
  });
}
