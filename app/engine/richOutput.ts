/**
 * Rich cell outputs (the `viz` namespace): what a cell renders besides text. Plain,
 * structured-cloneable data, sent by the worker as `cell/rich` and kept under the cell in the
 * order it arrived, interleaved with text. Every output has an `id`; an output sent again with
 * an id already shown replaces it in place (that is how `viz.animate` frames and live views
 * update).
 *
 * Values a cell hands to `viz` are never sent as they are: tables carry inspected text, trees and
 * traces carry the panel models' plain nodes and items, so nothing here can hold a pid, a
 * function or a cycle. `checkRichOutput` validates an output where it arrives (the page) and
 * before it leaves (the engine), so a malformed one becomes a clear message, not a broken page.
 */
import type { Participant, SequenceItem } from '../panels/model/sequenceModel';
import type { TreeNode } from '../panels/model/supervisionTree';
import { describeValue, isRecord } from './validation';
import type { ViewNode, ViewPatch } from './viewTree';
import { checkViewNode, checkViewPatches } from './viewTree';

/** A Markdown block, rendered through the same sanitiser as chapter prose. */
export interface MarkdownOutput {
  readonly kind: 'markdown';
  readonly id: string;
  readonly markdown: string;
}

/** A table of inspected values: at most a capped number of rows, `totalRows` tells how many there were. */
export interface TableOutput {
  readonly kind: 'table';
  readonly id: string;
  readonly columns: readonly string[];
  /** One array of cell texts per shown row, as long as `columns`. */
  readonly rows: readonly (readonly string[])[];
  /** Rows the cell passed; more than `rows.length` when the table was cut short. */
  readonly totalRows: number;
}

/** A mermaid diagram (any diagram type mermaid knows). */
export interface MermaidOutput {
  readonly kind: 'mermaid';
  readonly id: string;
  readonly source: string;
}

/** The supervision tree (or link tree) under one process, as the tree panel draws it. */
export interface TreeOutput {
  readonly kind: 'tree';
  readonly id: string;
  /** The process the tree was asked for, printed (`#PID<0.5.0>`). */
  readonly pidText: string;
  /** The tree under that process; null when it is not alive. */
  readonly root: TreeNode | null;
  /** True while the output keeps updating (`viz.tree(pid, {live: true})`). */
  readonly live: boolean;
  /** Clock time of the snapshot, in ms. */
  readonly time: number;
  /** Why the tree is empty or stopped updating, or null. */
  readonly note: string | null;
}

/** The messages between processes while a function ran (`viz.seqTrace`). */
export interface SequenceOutput {
  readonly kind: 'sequence';
  readonly id: string;
  /** The sequence panel's items, oldest first. */
  readonly items: readonly SequenceItem[];
  readonly participants: readonly Participant[];
  /** The same items as a mermaid `sequenceDiagram`. */
  readonly mermaid: string;
  /** Items left out at the end because the trace was longer than the output may be. */
  readonly omitted: number;
}

/** A plain text frame of an animation. */
export interface TextContent {
  readonly kind: 'text';
  readonly text: string;
}

/** What one animation frame shows. */
export type FrameContent =
  TextContent | MarkdownOutput | TableOutput | MermaidOutput | TreeOutput | SequenceOutput;

/** One frame of `viz.animate`; each new frame is sent with the same id and replaces the last. */
export interface FrameOutput {
  readonly kind: 'frame';
  readonly id: string;
  /** The frame number, from 0. */
  readonly index: number;
  readonly content: FrameContent;
  /** 'running' while frames keep coming; 'stopped' after the last one. */
  readonly state: 'running' | 'stopped';
  /** Why the animation stopped, or null. */
  readonly note: string | null;
}

/** A button; a click sends a message to a process. Its `id` is the widget id. */
export interface ButtonOutput {
  readonly kind: 'button';
  readonly id: string;
  readonly label: string;
}

/** A text field; submitting it sends `['input', id, value]` to a process. */
export interface InputOutput {
  readonly kind: 'input';
  readonly id: string;
  readonly label: string;
  readonly initial: string;
}

/** A drop-down; choosing an option sends `['select', id, value]` to a process. */
export interface SelectOutput {
  readonly kind: 'select';
  readonly id: string;
  readonly label: string;
  readonly options: readonly string[];
  readonly initial: string;
}

/** A short message about the outputs themselves (a cap was reached, an output was too large). */
export interface NoticeOutput {
  readonly kind: 'notice';
  readonly id: string;
  readonly text: string;
}

/**
 * A live view (`View.start`): the tree it rendered, in full (`tree`) or as the changes since
 * version `version - 1` (`patches`). Its `id` is the view's; events of its elements go back as
 * widget events of that id, their value a JSON `{event, payload}`.
 */
export interface ViewOutput {
  readonly kind: 'view';
  readonly id: string;
  /** The view's name (its module's `name`, or 'View'). */
  readonly name: string;
  /** Counts renders of this output from 1; patches apply to the tree of the version before. */
  readonly version: number;
  readonly tree: ViewNode | null;
  readonly patches: readonly ViewPatch[] | null;
  /** A line about the view itself (it stopped, it crashed too often), or null. */
  readonly note: string | null;
  /** False once the view has stopped for good: no process is left to take its events. */
  readonly live: boolean;
}

/** Every kind of rich output. */
export type RichOutput =
  | MarkdownOutput
  | TableOutput
  | MermaidOutput
  | TreeOutput
  | SequenceOutput
  | FrameOutput
  | ButtonOutput
  | InputOutput
  | SelectOutput
  | NoticeOutput
  | ViewOutput;

/** The kinds of output a person can interact with; their events go back to the worker. */
export type WidgetOutput = ButtonOutput | InputOutput | SelectOutput;

/** Longest value a widget event may carry (characters). */
export const MAX_WIDGET_VALUE = 10_000;

type Field = 'string' | 'number' | 'boolean' | 'string|null' | ((value: unknown) => string | null);

const SHAPES: Record<RichOutput['kind'], Record<string, Field>> = {
  markdown: { markdown: 'string' },
  table: { columns: strings, rows: tableRows, totalRows: 'number' },
  mermaid: { source: 'string' },
  tree: {
    pidText: 'string',
    root: (value) => (value === null ? null : treeNode(value, 0)),
    live: 'boolean',
    time: 'number',
    note: 'string|null',
  },
  sequence: {
    items: (value) =>
      records(value, (item) => fields(item, { type: 'string', seq: 'number', label: 'string' })),
    participants: (value) => records(value, (p) => fields(p, { title: 'string' })),
    mermaid: 'string',
    omitted: 'number',
  },
  frame: {
    index: 'number',
    content: frameContent,
    state: (value) =>
      value === 'running' || value === 'stopped' ? null : 'should be "running" or "stopped"',
    note: 'string|null',
  },
  button: { label: 'string' },
  input: { label: 'string', initial: 'string' },
  select: { label: 'string', options: strings, initial: 'string' },
  notice: { text: 'string' },
  view: {
    name: 'string',
    version: 'number',
    tree: (value) => (value === null ? null : checkViewNode(value)),
    patches: (value) => (value === null ? null : checkViewPatches(value)),
    note: 'string|null',
    live: 'boolean',
  },
};

/** Checks that `value` is a well-formed rich output: null if it is, else what is wrong. */
export function checkRichOutput(value: unknown): string | null {
  return checkOutput(value, Object.keys(SHAPES));
}

/** True for the outputs a person can click or type into. */
export function isWidget(output: RichOutput): output is WidgetOutput {
  return output.kind === 'button' || output.kind === 'input' || output.kind === 'select';
}

const FRAME_KINDS = ['text', 'markdown', 'table', 'mermaid', 'tree', 'sequence'];

function frameContent(value: unknown): string | null {
  if (isRecord(value) && value.kind === 'text') return fields(value, { text: 'string' });
  return checkOutput(value, FRAME_KINDS);
}

function checkOutput(value: unknown, kinds: readonly string[]): string | null {
  if (!isRecord(value)) return `should be an object, got ${describeValue(value)}`;
  const { kind } = value;
  if (typeof kind !== 'string' || !kinds.includes(kind)) {
    return `has an unknown kind ${describeValue(kind)}`;
  }
  if (typeof value.id !== 'string' || value.id === '') return `(${kind}) needs a string "id"`;
  const problem = fields(value, SHAPES[kind as RichOutput['kind']]);
  return problem ? `(${kind}) ${problem}` : null;
}

function fields(value: Record<string, unknown>, shape: Record<string, Field>): string | null {
  for (const [key, expected] of Object.entries(shape)) {
    const field = value[key];
    let problem: string | null = null;
    if (typeof expected === 'function') problem = expected(field);
    else if (expected === 'string|null') {
      if (field !== null && typeof field !== 'string') problem = 'should be a string or null';
    } else if (expected === 'number') {
      if (typeof field !== 'number' || !Number.isFinite(field)) problem = 'should be a number';
    } else if (typeof field !== expected) problem = `should be a ${expected}`;
    if (problem)
      return `"${key}" ${problem}${problem.includes(', got') ? '' : `, got ${describeValue(field)}`}`;
  }
  return null;
}

function strings(value: unknown): string | null {
  if (!Array.isArray(value)) return 'should be an array of strings';
  return value.every((item) => typeof item === 'string') ? null : 'should hold strings only';
}

function tableRows(value: unknown): string | null {
  if (!Array.isArray(value)) return 'should be an array of rows';
  for (const [index, row] of value.entries()) {
    if (strings(row) !== null) return `[${index}] should be an array of strings`;
  }
  return null;
}

function records(
  value: unknown,
  check: (item: Record<string, unknown>) => string | null,
): string | null {
  if (!Array.isArray(value)) return 'should be an array';
  for (const [index, item] of value.entries()) {
    if (!isRecord(item)) return `[${index}] should be an object`;
    const problem = check(item);
    if (problem) return `[${index}].${problem}`;
  }
  return null;
}

/** Trees are checked all the way down, but not deeper than any real tree goes. */
function treeNode(value: unknown, depth: number): string | null {
  if (depth > 200) return 'is nested too deeply';
  if (!isRecord(value)) return `should be a tree node, got ${describeValue(value)}`;
  const problem = fields(value, { key: 'string', pidText: 'string', status: 'string' });
  if (problem) return problem;
  const below = records(value.children, (child) => treeNode(child, depth + 1));
  return below ? `"children" ${below}` : null;
}
