/**
 * A live view (`View.start`) under a cell: its tree, made into React elements from the closed
 * vocabulary of `viewTree.ts`. Text nodes are React text (never markup); only allow-listed tags
 * and attributes reach the DOM, checked again here although the page's protocol validator
 * already refused anything else; events are names sent back to the view process as widget
 * events, never code. A form never navigates the page.
 *
 * The notebook keeps the whole tree (patches were applied when the output arrived), and React's
 * keyed reconciliation changes only the DOM nodes whose part of the tree changed.
 */
import type { FormEvent, ReactNode } from 'react';
import { createElement, memo } from 'react';
import type { ViewElement, ViewNode, ViewOutput } from '../../engine/protocol';
import { checkAttr } from '../../engine/protocol';
import type { WidgetEventHandler } from './RichOutputView';

const VOID = new Set(['input', 'br', 'hr']);

/** React's names for the attributes that differ from HTML's. */
const REACT_NAMES: Record<string, string> = {
  class: 'className',
  readonly: 'readOnly',
  maxlength: 'maxLength',
  colspan: 'colSpan',
  rowspan: 'rowSpan',
};

const BOOLEAN = new Set(['disabled', 'readonly', 'checked', 'selected']);

function styleObject(text: string): Record<string, string> {
  const style: Record<string, string> = {};
  for (const part of text.split(';')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    const prop = part
      .slice(0, colon)
      .trim()
      .toLowerCase()
      .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    style[prop] = part.slice(colon + 1).trim();
  }
  return style;
}

type Send = (event: string, payload: Record<string, string>) => void;

function formPayload(form: HTMLFormElement): Record<string, string> {
  const payload: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) {
    if (typeof value === 'string') payload[name] = value;
  }
  return payload;
}

function toReact(node: ViewNode, index: number, send: Send): ReactNode {
  if (typeof node === 'string') return node;
  return <ViewElementView key={node.key ?? `#${index}`} node={node} send={send} />;
}

function ViewElementView({ node, send }: { node: ViewElement; send: Send }) {
  const props: Record<string, unknown> = {};
  const { tag } = node;
  for (const [name, value] of Object.entries(node.attrs)) {
    if (checkAttr(tag, name, value) !== null) continue;
    if (name === 'style') props.style = styleObject(value);
    else if (name === 'value' && (tag === 'input' || tag === 'textarea' || tag === 'select')) {
      props.defaultValue = value;
    } else if (name === 'checked' && tag === 'input') props.defaultChecked = true;
    else if (name === 'selected') continue;
    else if (BOOLEAN.has(name)) props[REACT_NAMES[name] ?? name] = true;
    else props[REACT_NAMES[name] ?? name] = value;
  }
  if (tag === 'a') {
    props.rel = 'noopener noreferrer';
    props.target = '_blank';
  }
  if (tag === 'select' && props.defaultValue === undefined) {
    const chosen = node.children.find(
      (c): c is ViewElement => typeof c !== 'string' && c.attrs.selected !== undefined,
    );
    if (chosen) props.defaultValue = chosen.attrs.value ?? '';
  }
  const { click, submit, change } = node.on;
  if (click !== undefined) {
    props.onClick = () => send(click, { ...node.values });
  }
  if (tag === 'form') {
    props.onSubmit = (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      if (submit !== undefined) send(submit, formPayload(event.currentTarget));
    };
  }
  if (change !== undefined) {
    props.onChange = (event: FormEvent<HTMLInputElement | HTMLSelectElement>) => {
      const field = event.currentTarget;
      send(change, { [field.name || 'value']: field.value });
    };
  }
  if (VOID.has(tag)) return createElement(tag, props);
  return createElement(tag, props, ...node.children.map((c, i) => toReact(c, i, send)));
}

export const ViewOutputView = memo(function ViewOutputView({
  view,
  onWidgetEvent,
}: {
  view: ViewOutput;
  onWidgetEvent: WidgetEventHandler;
}) {
  const send: Send = (event, payload) => onWidgetEvent(view.id, JSON.stringify({ event, payload }));
  return (
    <section
      className="viz viz-view"
      data-viz="view"
      data-version={view.version}
      aria-label={`Live view ${view.name}`}
    >
      <header className="viz-caption">
        {view.name}
        {view.live && <span className="viz-badge">live</span>}
      </header>
      {view.tree !== null && (
        // A stopped view's controls are disabled: no process is left to take their events.
        <fieldset className="viz-view__body" disabled={!view.live}>
          {toReact(view.tree, 0, send)}
        </fieldset>
      )}
      {view.note && <p className="viz-note">{view.note}</p>}
    </section>
  );
});
