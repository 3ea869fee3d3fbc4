/**
 * The one module that imports mermaid. Mermaid is large (it brings its own diagram parsers and
 * layout code), so it is loaded on first use with a dynamic import, the promise is cached, and
 * every failure (the chunk did not load, the diagram does not parse) comes back as a message
 * for an inline error box instead of an exception.
 *
 * Renders go one at a time through a queue: mermaid keeps global configuration, and the theme
 * may change between two renders, so each render sets the theme it needs before it starts.
 */
import type { Mermaid } from 'mermaid';

/** The colour scheme a diagram is drawn for; it follows the page's theme. */
export type DiagramTheme = 'light' | 'dark';

/** A rendered diagram, or the reason it could not be rendered. */
export type MermaidResult = { readonly svg: string } | { readonly error: string };

let mermaidModule: Promise<Mermaid> | undefined;
let configuredTheme: DiagramTheme | undefined;
let queue: Promise<unknown> = Promise.resolve();
let nextId = 0;

function loadMermaid(): Promise<Mermaid> {
  mermaidModule ??= import('mermaid').then((module) => module.default);
  // A failed load is not cached, so a later diagram (after the network is back) can try again.
  mermaidModule.catch(() => {
    mermaidModule = undefined;
  });
  return mermaidModule;
}

function configure(mermaid: Mermaid, theme: DiagramTheme): void {
  if (configuredTheme === theme) return;
  mermaid.initialize({
    startOnLoad: false,
    // Strict: no click handlers, no HTML labels that could carry script; the SVG is sanitised.
    securityLevel: 'strict',
    theme: theme === 'dark' ? 'dark' : 'default',
    fontFamily: 'inherit',
  });
  configuredTheme = theme;
}

/** Renders mermaid source to SVG markup, or explains why it cannot. Never throws. */
export function renderMermaid(
  source: string,
  theme: DiagramTheme = currentPageTheme(),
): Promise<MermaidResult> {
  const run = queue.then(() => renderNow(source, theme));
  queue = run.catch(() => undefined);
  return run;
}

async function renderNow(source: string, theme: DiagramTheme): Promise<MermaidResult> {
  let mermaid: Mermaid;
  try {
    mermaid = await loadMermaid();
  } catch (error) {
    return { error: `The diagram renderer could not be loaded: ${messageOf(error)}` };
  }
  const id = `mermaid-diagram-${++nextId}`;
  try {
    configure(mermaid, theme);
    // Parsing first reports syntax errors without leaving mermaid's error drawing in the page.
    await mermaid.parse(source);
    const { svg } = await mermaid.render(id, source);
    return { svg };
  } catch (error) {
    return { error: messageOf(error) };
  } finally {
    // Mermaid draws in a scratch element it does not always remove when rendering fails.
    document.getElementById(id)?.remove();
    document.getElementById(`d${id}`)?.remove();
  }
}

function currentPageTheme(): DiagramTheme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return String(error);
}
