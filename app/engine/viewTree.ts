/**
 * The tree a view (`View`) renders, as plain data, and what both ends do with it: the allow-lists
 * that keep it safe, the checks that enforce them (run in the engine when the tree is built and
 * on the page when it arrives), the diff the view process sends instead of the whole tree, and
 * the patch the page applies.
 *
 * Why a closed vocabulary instead of HTML: a view's text comes from cell code, which is
 * untrusted. Text nodes are strings and the page always turns them into DOM text, never markup;
 * an element's tag and attributes come from allow-lists (no `on*` attribute, no `javascript:`
 * URL, only a few style properties with plain values), and events are names the page sends back
 * to the view process, never code. So a view cannot run script on the page, whatever its assigns
 * hold.
 *
 * Why patches: a click usually changes one text or one list. The view process keeps the last tree
 * it rendered and sends the difference: per-node patches addressed by the path of child indexes
 * from the root, with keyed children (`key`) diffed as a list (removed and inserted items), so
 * adding one item to a stream of a hundred sends one item.
 */
import { describeValue, isRecord } from './validation';

/** A node of a view's tree: a string is a text node (always text, never markup). */
export type ViewNode = string | ViewElement;

/** An element of a view's tree. */
export interface ViewElement {
  readonly tag: string;
  /** Allow-listed attributes, as strings (a boolean attribute that is set is ''). */
  readonly attrs: Readonly<Record<string, string>>;
  /** Event bindings: `click`, `submit` or `change` -> the event name the view's handleEvent gets. */
  readonly on: Readonly<Record<string, string>>;
  /** The payload a click sends (like phx-value-*), strings only. */
  readonly values: Readonly<Record<string, string>>;
  /** Identifies the element among its siblings across renders (list items, stream items). */
  readonly key: string | null;
  readonly children: readonly ViewNode[];
}

/** One change to a rendered tree; `path` is the child indexes from the root to a node. */
export type ViewPatch =
  /** The node at `path` is replaced (a text that changed, an element of another tag or key). */
  | { readonly op: 'replace'; readonly path: readonly number[]; readonly node: ViewNode }
  /** The element at `path` gets new attributes, bindings and values; its children stay. */
  | {
      readonly op: 'props';
      readonly path: readonly number[];
      readonly attrs: Readonly<Record<string, string>>;
      readonly on: Readonly<Record<string, string>>;
      readonly values: Readonly<Record<string, string>>;
    }
  /** `node` is inserted as child `index` of the element at `path`. */
  | {
      readonly op: 'insert';
      readonly path: readonly number[];
      readonly index: number;
      readonly node: ViewNode;
    }
  /** Child `index` of the element at `path` is removed. */
  | { readonly op: 'remove'; readonly path: readonly number[]; readonly index: number };

/** Tags a view may render. */
export const VIEW_TAGS: ReadonlySet<string> = new Set([
  'div',
  'span',
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'ul',
  'ol',
  'li',
  'strong',
  'em',
  'small',
  'code',
  'pre',
  'section',
  'header',
  'footer',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'button',
  'form',
  'label',
  'input',
  'select',
  'option',
  'textarea',
  'progress',
  'a',
  'br',
  'hr',
]);

/** Attributes a view may set, besides `data-*` and `aria-*`. */
export const VIEW_ATTRS: ReadonlySet<string> = new Set([
  'class',
  'title',
  'type',
  'name',
  'value',
  'placeholder',
  'disabled',
  'checked',
  'selected',
  'readonly',
  'min',
  'max',
  'step',
  'maxlength',
  'rows',
  'cols',
  'colspan',
  'rowspan',
  'href',
  'role',
  'style',
]);

/** The only style properties a view may set, each to a plain value (no url(), no expression). */
export const VIEW_STYLE_PROPS: ReadonlySet<string> = new Set([
  'color',
  'background-color',
  'font-weight',
  'font-style',
  'text-align',
  'text-decoration',
  'width',
  'min-width',
  'max-width',
  'opacity',
]);

/** Events an element may bind. */
export const VIEW_EVENTS: ReadonlySet<string> = new Set(['click', 'submit', 'change']);

/** Values `type` may take (a `type=image` or `type=file` input has no place in a view). */
const TYPES = new Set([
  'button',
  'submit',
  'reset',
  'text',
  'number',
  'checkbox',
  'radio',
  'range',
  'search',
  'email',
  'password',
  'hidden',
]);

/** The most nodes one tree may have, and how deep it may nest. */
export const VIEW_MAX_NODES = 5000;
export const VIEW_MAX_DEPTH = 60;
const MAX_ATTR_CHARS = 2000;
const MAX_EVENT_CHARS = 100;

const ATTR_NAME = /^(?:data|aria)-[a-z][a-z0-9-]{0,40}$/;
const STYLE_VALUE = /^[#a-z0-9.%\s,()-]{1,80}$/i;

/** Why `value` is not a safe style text, or null. Pairs are `prop: value`, separated by `;`. */
export function checkStyle(value: string): string | null {
  for (const part of value.split(';')) {
    if (part.trim() === '') continue;
    const colon = part.indexOf(':');
    if (colon < 0) return `style ${JSON.stringify(part.trim())} is not "property: value"`;
    const prop = part.slice(0, colon).trim().toLowerCase();
    const val = part.slice(colon + 1).trim();
    if (!VIEW_STYLE_PROPS.has(prop)) return `style property ${JSON.stringify(prop)} is not allowed`;
    if (!STYLE_VALUE.test(val) || /url|expression|\\/i.test(val)) {
      return `style value ${JSON.stringify(val)} for ${prop} is not allowed`;
    }
  }
  return null;
}

/** Why an `href` is not allowed, or null: only http(s), mailto and in-page (#) links. */
export function checkHref(value: string): string | null {
  // Browsers ignore control characters and spaces inside a scheme: refuse them outright.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(value)) return 'href may not hold spaces or control characters';
  return /^(?:https?:\/\/|mailto:|#)/i.test(value)
    ? null
    : `href ${JSON.stringify(value.slice(0, 60))} is not an http(s), mailto or # link`;
}

/** Why one attribute is not allowed, or null. */
export function checkAttr(tag: string, name: string, value: unknown): string | null {
  if (typeof value !== 'string') return `attribute ${name} should be a string`;
  if (value.length > MAX_ATTR_CHARS) return `attribute ${name} is longer than ${MAX_ATTR_CHARS}`;
  if (!VIEW_ATTRS.has(name) && !ATTR_NAME.test(name)) {
    return /^on/i.test(name)
      ? `attribute ${name} is not allowed: bind events with onClick/onSubmit/onChange and an event name`
      : `attribute ${JSON.stringify(name)} is not allowed`;
  }
  if (name === 'href') return tag === 'a' ? checkHref(value) : 'href is only allowed on <a>';
  // A named form becomes a property of the page's `document` and can shadow what the app reads.
  if (name === 'name' && tag === 'form') return 'name is not allowed on <form>: name its fields';
  if (name === 'style') return checkStyle(value);
  if (name === 'type' && !TYPES.has(value.toLowerCase())) {
    return `type ${JSON.stringify(value)} is not allowed`;
  }
  return null;
}

function stringMap(
  value: unknown,
  what: string,
  check: (key: string, v: string) => string | null,
): string | null {
  if (!isRecord(value)) return `"${what}" should be an object, got ${describeValue(value)}`;
  const keys = Object.keys(value);
  if (keys.length > 100) return `"${what}" has more than 100 entries`;
  for (const key of keys) {
    const v = value[key];
    if (typeof v !== 'string') return `"${what}.${key}" should be a string`;
    const problem = check(key, v);
    if (problem) return problem;
  }
  return null;
}

/** Why `node` is not a well-formed, allowed view tree, or null. */
export function checkViewNode(node: unknown): string | null {
  const count = { nodes: 0 };
  return checkNode(node, 0, count);
}

function checkNode(node: unknown, depth: number, count: { nodes: number }): string | null {
  if (++count.nodes > VIEW_MAX_NODES) return `the tree has more than ${VIEW_MAX_NODES} nodes`;
  if (typeof node === 'string') return null;
  if (depth > VIEW_MAX_DEPTH) return `the tree nests deeper than ${VIEW_MAX_DEPTH}`;
  if (!isRecord(node)) return `a node should be a string or an element, got ${describeValue(node)}`;
  const { tag } = node;
  if (typeof tag !== 'string' || !VIEW_TAGS.has(tag)) {
    return `tag ${describeValue(tag)} is not allowed`;
  }
  const problem =
    stringMap(node.attrs, 'attrs', (name, v) => checkAttr(tag, name, v)) ??
    stringMap(node.on, 'on', (event, name) =>
      !VIEW_EVENTS.has(event)
        ? `event ${JSON.stringify(event)} cannot be bound (click, submit, change)`
        : name === '' || name.length > MAX_EVENT_CHARS
          ? `event name for ${event} should be 1 to ${MAX_EVENT_CHARS} characters`
          : null,
    ) ??
    stringMap(node.values, 'values', (key, v) =>
      v.length > MAX_ATTR_CHARS || key.length > 100 ? `values.${key} is too long` : null,
    );
  if (problem) return `<${tag}> ${problem}`;
  if (node.key !== null && typeof node.key !== 'string') return `<${tag}> key should be a string`;
  if (!Array.isArray(node.children)) return `<${tag}> children should be an array`;
  for (const child of node.children) {
    const below = checkNode(child, depth + 1, count);
    if (below) return below;
  }
  return null;
}

function checkPath(value: unknown): string | null {
  if (!Array.isArray(value) || value.length > VIEW_MAX_DEPTH + 1) return 'path should be an array';
  return value.every((i) => Number.isInteger(i) && i >= 0 && i < VIEW_MAX_NODES)
    ? null
    : 'path should hold child indexes';
}

/** Why `value` is not a list of well-formed patches, or null. */
export function checkViewPatches(value: unknown): string | null {
  if (!Array.isArray(value)) return `patches should be an array, got ${describeValue(value)}`;
  if (value.length > VIEW_MAX_NODES) return 'too many patches';
  for (const [i, patch] of value.entries()) {
    if (!isRecord(patch)) return `patch [${i}] should be an object`;
    const path = checkPath(patch.path);
    if (path) return `patch [${i}] ${path}`;
    let problem: string | null;
    switch (patch.op) {
      case 'replace':
        problem = checkViewNode(patch.node);
        break;
      case 'props':
        problem = checkViewNode({
          tag: 'span',
          attrs: patch.attrs,
          on: patch.on,
          values: patch.values,
          key: null,
          children: [],
        });
        // The tag is not in the patch; href and type rules are checked again when applied.
        break;
      case 'insert':
        problem =
          Number.isInteger(patch.index) && (patch.index as number) >= 0
            ? checkViewNode(patch.node)
            : 'index should be a child index';
        break;
      case 'remove':
        problem =
          Number.isInteger(patch.index) && (patch.index as number) >= 0
            ? null
            : 'index should be a child index';
        break;
      default:
        problem = `unknown op ${describeValue(patch.op)}`;
    }
    if (problem) return `patch [${i}] ${problem}`;
  }
  return null;
}

// ---------------------------------------------------------------- diff

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

function keyed(children: readonly ViewNode[]): boolean {
  if (children.length === 0) return false;
  const seen = new Set<string>();
  for (const child of children) {
    if (typeof child === 'string' || child.key === null || seen.has(child.key)) return false;
    seen.add(child.key);
  }
  return true;
}

/** The patches that turn tree `a` into tree `b` (empty when they render alike). */
export function diffView(a: ViewNode, b: ViewNode): ViewPatch[] {
  const out: ViewPatch[] = [];
  diffNode(a, b, [], out);
  return out;
}

function diffNode(a: ViewNode, b: ViewNode, path: number[], out: ViewPatch[]): void {
  if (a === b) return;
  if (typeof a === 'string' || typeof b === 'string' || a.tag !== b.tag || a.key !== b.key) {
    out.push({ op: 'replace', path, node: b });
    return;
  }
  if (!sameRecord(a.attrs, b.attrs) || !sameRecord(a.on, b.on) || !sameRecord(a.values, b.values)) {
    out.push({ op: 'props', path, attrs: b.attrs, on: b.on, values: b.values });
  }
  diffChildren(a.children, b.children, path, out);
}

function diffChildren(
  a: readonly ViewNode[],
  b: readonly ViewNode[],
  path: number[],
  out: ViewPatch[],
): void {
  if (keyed(a) && keyed(b)) {
    const key = (n: ViewNode) => (n as ViewElement).key!;
    const wanted = new Set(b.map(key));
    const kept: ViewNode[] = [];
    const removes: ViewPatch[] = [];
    for (let i = a.length - 1; i >= 0; i--) {
      if (wanted.has(key(a[i]!))) kept.unshift(a[i]!);
      else removes.push({ op: 'remove', path, index: i });
    }
    const keptKeys = new Set(kept.map(key));
    const order = b.filter((n) => keptKeys.has(key(n))).map(key);
    if (order.every((k, i) => k === key(kept[i]!))) {
      out.push(...removes);
      let j = 0;
      b.forEach((node, k) => {
        if (j < kept.length && key(kept[j]!) === key(node)) {
          diffNode(kept[j]!, node, [...path, k], out);
          j++;
        } else out.push({ op: 'insert', path, index: k, node });
      });
      return;
    }
    // Items moved: fall back to a diff by position.
  }
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) diffNode(a[i]!, b[i]!, [...path, i], out);
  for (let i = a.length - 1; i >= common; i--) out.push({ op: 'remove', path, index: i });
  for (let i = common; i < b.length; i++) out.push({ op: 'insert', path, index: i, node: b[i]! });
}

// ---------------------------------------------------------------- patch

/**
 * `tree` with `patches` applied, or null if a patch does not fit the tree (a path that leads
 * nowhere): the page then shows the view as out of date rather than a wrong tree.
 */
export function applyViewPatches(tree: ViewNode, patches: readonly ViewPatch[]): ViewNode | null {
  let root: ViewNode = tree;
  for (const patch of patches) {
    const next = applyAt(root, patch.path, 0, patch);
    if (next === null) return null;
    root = next;
  }
  return root;
}

function applyAt(
  node: ViewNode,
  path: readonly number[],
  at: number,
  patch: ViewPatch,
): ViewNode | null {
  if (at === path.length) {
    switch (patch.op) {
      case 'replace':
        return patch.node;
      case 'props': {
        if (typeof node === 'string') return null;
        const next = { ...node, attrs: patch.attrs, on: patch.on, values: patch.values };
        return checkViewNode({ ...next, children: [] }) === null ? next : null;
      }
      case 'insert': {
        if (typeof node === 'string' || patch.index > node.children.length) return null;
        const children = [...node.children];
        children.splice(patch.index, 0, patch.node);
        return { ...node, children };
      }
      case 'remove': {
        if (typeof node === 'string' || patch.index >= node.children.length) return null;
        const children = [...node.children];
        children.splice(patch.index, 1);
        return { ...node, children };
      }
    }
  }
  if (typeof node === 'string') return null;
  const index = path[at]!;
  const child = node.children[index];
  if (child === undefined) return null;
  const replaced = applyAt(child, path, at + 1, patch);
  if (replaced === null) return null;
  const children = [...node.children];
  children[index] = replaced;
  return { ...node, children };
}

// ---------------------------------------------------------------- reading a tree

const BLOCKS = new Set([
  'div',
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'ul',
  'ol',
  'li',
  'pre',
  'section',
  'header',
  'footer',
  'table',
  'tr',
  'form',
  'br',
  'hr',
]);

/** Inline elements whose text stands apart from its neighbours' (button labels, cells). */
const GAPS = new Set(['button', 'input', 'select', 'textarea', 'label', 'td', 'th']);

/**
 * The text a tree shows, as a person reads it: block elements (div, p, li, tr...) on lines of
 * their own, spaces collapsed, empty lines dropped; a button's label is text too.
 */
export function viewText(node: ViewNode): string {
  const parts: string[] = [];
  const walk = (n: ViewNode): void => {
    if (typeof n === 'string') {
      parts.push(n);
      return;
    }
    const block = BLOCKS.has(n.tag);
    if (block) parts.push('\n');
    const gap = GAPS.has(n.tag);
    if (gap) parts.push(' ');
    if (n.tag === 'input' && n.attrs.value !== undefined && n.attrs.type !== 'hidden') {
      parts.push(`[${n.attrs.value}]`);
    }
    n.children.forEach(walk);
    if (gap) parts.push(' ');
    if (block) parts.push('\n');
  };
  walk(node);
  return parts
    .join('')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

/** Every element of the tree, depth first, with its path. */
export function* viewElements(
  node: ViewNode,
  path: number[] = [],
): Generator<[ViewElement, number[]]> {
  if (typeof node === 'string') return;
  yield [node, path];
  for (const [i, child] of node.children.entries()) yield* viewElements(child, [...path, i]);
}
