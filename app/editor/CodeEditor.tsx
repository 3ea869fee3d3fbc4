/**
 * A cell's code editor. Monaco is heavy, so a cell first shows its code as a static, coloured,
 * selectable block with the editor's exact metrics, and gets a live Monaco editor only when it
 * comes near the viewport or is clicked or focused. A shared pool caps the live editors; a
 * released cell goes back to the static block (its text is the `value` prop, kept by the store).
 * If Monaco cannot load, the cell becomes a plain textarea with an inline note, never blank.
 */
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import { cellContextFiles } from './cellContext';
import { LiveEditorPool } from './editorPool';
import { performRunKey, runKeyAction } from './keymap';
import type { CellEditorHandle, EditorKit } from './monacoLoader';
import { loadEditorKit } from './monacoLoader';
import { tokenize, type TokenKind } from './tsTokens';
import './editor.css';

/** What a cell's editor needs from its cell. */
export interface CodeEditorProps {
  /** The cell's id: names the editor's model, so the editor's type checker knows the cell. */
  readonly cellId: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  /** Ctrl+Enter (Cmd+Enter): run the cell. */
  readonly onRun: () => void;
  /** Shift+Enter: run the cell and move to the next; falls back to `onRun`. */
  readonly onRunAndAdvance?: () => void;
  readonly ariaLabel: string;
  readonly readOnly?: boolean;
}

/** Most live Monaco editors at once, over all cells of the page. */
export const LIVE_EDITOR_CAPACITY = 8;
/** How far outside the viewport a cell starts its editor, so scrolling finds it ready. */
const NEAR_VIEWPORT_MARGIN = '300px 0px';
/**
 * How long a press on the static code still counts when the editor appears under it before the
 * click completes (the press then places the caret, since the click never reaches the editor).
 */
const PRESS_MS = 1500;
/** How long after the last edit the type checker's view of the other cells is refreshed. */
const CONTEXT_DELAY_MS = 400;

const pool = new LiveEditorPool(LIVE_EDITOR_CAPACITY);

/** Every cell on the page, for the type checker's view of the bindings cells share. */
const cells = new Map<string, { value: string; element: HTMLElement | null }>();
let loadedKit: EditorKit | null = null;
let contextTimer: ReturnType<typeof setTimeout> | null = null;

function scheduleCellContext(): void {
  if (loadedKit === null || contextTimer !== null) return;
  contextTimer = setTimeout(() => {
    contextTimer = null;
    const ordered = [...cells.values()].sort((a, b) =>
      a.element && b.element && a.element.compareDocumentPosition(b.element) & 2 ? 1 : -1,
    );
    loadedKit?.setCellContext(cellContextFiles(ordered.map((cell) => cell.value)));
  }, CONTEXT_DELAY_MS);
}

/**
 * Runs `fn` once the page is idle (or after two seconds at most): a cell that merely scrolls into
 * view must not load Monaco while the chapter's first text and runtime are still starting.
 * A click or focus never waits.
 */
function whenIdle(fn: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(fn, { timeout: 2000 });
    return () => cancelIdleCallback(handle);
  }
  const timer = setTimeout(fn, 200);
  return () => clearTimeout(timer);
}

type Mode = 'static' | 'live' | 'failed';
type FocusRequest = { readonly x: number; readonly y: number } | true;

/** A cell's code editor: static code until needed, then Monaco (or a textarea if it fails). */
export function CodeEditor(props: CodeEditorProps) {
  const { cellId, value, readOnly = false, ariaLabel } = props;
  const [mode, setMode] = useState<Mode>('static');
  const [ready, setReady] = useState(false);
  const [height, setHeight] = useState<number | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const handleRef = useRef<CellEditorHandle | null>(null);
  const pendingFocus = useRef<FocusRequest | null>(null);
  /** A press on the static code, in case the editor replaces it before the click completes. */
  const pendingPress = useRef<{ x: number; y: number; at: number } | null>(null);
  const emitted = useRef(new Set<string>());
  const latest = useRef(props);
  useEffect(() => {
    latest.current = props;
  });

  const wake = useCallback(
    (focus: FocusRequest | null) => {
      pool.admit(cellId, () => setMode((m) => (m === 'live' ? 'static' : m)), {
        near: focus === null,
        focused: focus !== null,
      });
      if (focus !== null) {
        const handle = handleRef.current;
        if (handle) handle.focus(focus === true ? undefined : focus);
        else pendingFocus.current = focus;
      }
      setMode((m) => (m === 'failed' ? m : 'live'));
    },
    [cellId],
  );

  // The cell's text, for the other cells' type checking.
  useEffect(() => {
    cells.set(cellId, { value, element: rootRef.current });
    scheduleCellContext();
  }, [cellId, value]);
  useEffect(
    () => () => {
      cells.delete(cellId);
      pool.remove(cellId);
      scheduleCellContext();
    },
    [cellId],
  );

  // Near the viewport: start the editor; far: let the pool release it first.
  useEffect(() => {
    const root = rootRef.current;
    if (!root || typeof IntersectionObserver === 'undefined') return;
    let cancelWake: (() => void) | null = null;
    const observer = new IntersectionObserver(
      (entries) => {
        const entry = entries[entries.length - 1];
        cancelWake?.();
        cancelWake = null;
        if (entry?.isIntersecting) cancelWake = whenIdle(() => wake(null));
        else pool.setNear(cellId, false);
      },
      { rootMargin: NEAR_VIEWPORT_MARGIN },
    );
    observer.observe(root);
    return () => {
      cancelWake?.();
      observer.disconnect();
    };
  }, [cellId, wake]);

  // The live editor: created when the cell goes live, disposed when it is released or unmounted.
  useEffect(() => {
    if (mode !== 'live') return;
    let cancelled = false;
    let handle: CellEditorHandle | null = null;
    loadEditorKit().then(
      (kit) => {
        const host = hostRef.current;
        if (cancelled || !host) return;
        if (loadedKit === null) {
          loadedKit = kit;
          scheduleCellContext();
        }
        const current = latest.current;
        handle = kit.createCellEditor(host, {
          cellId,
          value: current.value,
          readOnly: current.readOnly ?? false,
          ariaLabel: current.ariaLabel,
          onChange: (text) => {
            emitted.current.add(text);
            latest.current.onChange(text);
          },
          onRun: () => latest.current.onRun(),
          onRunAndAdvance: () => (latest.current.onRunAndAdvance ?? latest.current.onRun)(),
          onContentHeight: setHeight,
          onFocusChange: (focused) => pool.setFocused(cellId, focused),
        });
        handleRef.current = handle;
        setReady(true);
      },
      (error: unknown) => {
        if (cancelled) return;
        pool.remove(cellId);
        setFailure(error instanceof Error ? error.message : String(error));
        setMode('failed');
      },
    );
    return () => {
      cancelled = true;
      handle?.dispose();
      handleRef.current = null;
      setReady(false);
    };
  }, [mode, cellId]);

  // A click or focus that came before the editor: honour it once the editor is visible (a
  // hidden editor cannot take focus).
  useEffect(() => {
    const handle = handleRef.current;
    if (!ready || !handle) return;
    const press = pendingPress.current;
    pendingPress.current = null;
    const focus =
      pendingFocus.current ?? (press && performance.now() - press.at < PRESS_MS ? press : null);
    pendingFocus.current = null;
    if (focus !== null) handle.focus(focus === true ? undefined : focus);
  }, [ready]);

  // Text changed outside the editor (a reset, an edit elsewhere): show it. A `value` the editor
  // itself emitted is an echo, possibly stale by a few keystrokes while the learner types fast:
  // writing it back would eat those keystrokes.
  useEffect(() => {
    const handle = handleRef.current;
    if (!handle) return;
    if (handle.getValue() === value) emitted.current.clear();
    else if (!emitted.current.has(value)) {
      emitted.current.clear();
      handle.setValue(value);
    }
  }, [value, ready]);
  useEffect(() => {
    handleRef.current?.setReadOnly(readOnly);
  }, [readOnly, ready]);

  if (mode === 'failed') {
    return (
      <div className="code-editor" data-editor="plain">
        <PlainCodeEditor {...props} />
        <p className="code-editor__note" role="note" title={failure ?? undefined}>
          The code editor could not load, so this cell is plain text for now. It still runs:
          Shift+Enter or the Run button.
        </p>
      </div>
    );
  }
  return (
    <div
      ref={rootRef}
      className="code-editor"
      data-editor={ready ? 'monaco' : 'static'}
      data-cell-id={cellId}
    >
      {ready ? null : (
        <StaticCode
          value={value}
          ariaLabel={ariaLabel}
          onWake={wake}
          onPress={(x, y) => {
            pendingPress.current = { x, y, at: performance.now() };
          }}
        />
      )}
      {mode === 'live' ? (
        <div
          ref={hostRef}
          className={ready ? 'code-editor__host' : 'code-editor__host code-editor__host--pending'}
          style={ready && height !== null ? { height } : undefined}
        />
      ) : null}
    </div>
  );
}

/** The code as a coloured, selectable block with the editor's metrics; a click opens the editor. */
function StaticCode({
  value,
  ariaLabel,
  onWake,
  onPress,
}: {
  value: string;
  ariaLabel: string;
  onWake: (focus: FocusRequest) => void;
  /** The pointer went down at (x, y): a click may follow. */
  onPress: (x: number, y: number) => void;
}) {
  const pointerDown = useRef(false);
  const lines = useMemo(() => highlightLines(value), [value]);
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    pointerDown.current = false;
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed && event.currentTarget.contains(selection.anchorNode)) {
      return; // the learner is selecting text to copy: leave the block as it is
    }
    onWake({ x: event.clientX, y: event.clientY });
  };
  return (
    <div
      className="code-editor__static"
      role="textbox"
      aria-multiline="true"
      aria-label={ariaLabel}
      tabIndex={0}
      onPointerDown={(event) => {
        pointerDown.current = true;
        onPress(event.clientX, event.clientY);
      }}
      onFocus={() => {
        if (!pointerDown.current) onWake(true);
      }}
      onClick={onClick}
    >
      {lines.map((line, index) => (
        <div className="code-editor__line" key={index}>
          {line.length === 0
            ? '\u200b'
            : line.map((part, i) =>
                part.kind === 'identifier' ||
                part.kind === 'whitespace' ||
                part.kind === 'punctuation' ? (
                  part.text
                ) : (
                  <span key={i} className={`tok-${part.kind}`}>
                    {part.text}
                  </span>
                ),
              )}
        </div>
      ))}
    </div>
  );
}

/** The source split into lines of coloured parts (tokens spanning lines are cut at the breaks). */
function highlightLines(source: string): { kind: TokenKind; text: string }[][] {
  const lines: { kind: TokenKind; text: string }[][] = [[]];
  for (const token of tokenize(source)) {
    token.text.split('\n').forEach((text, index) => {
      if (index > 0) lines.push([]);
      if (text.length > 0) lines[lines.length - 1]!.push({ kind: token.kind, text });
    });
  }
  return lines;
}

/** The plain textarea editor: the fallback when the full editor cannot load. */
export function PlainCodeEditor({
  value,
  onChange,
  onRun,
  onRunAndAdvance,
  ariaLabel,
  readOnly = false,
}: CodeEditorProps) {
  const rows = Math.max(1, value.split('\n').length);
  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLTextAreaElement>) => {
      if (performRunKey(runKeyAction(event), { onRun, onRunAndAdvance })) event.preventDefault();
    },
    [onRun, onRunAndAdvance],
  );
  return (
    <textarea
      className="code-editor__plain"
      aria-label={ariaLabel}
      value={value}
      rows={rows}
      readOnly={readOnly}
      spellCheck={false}
      autoCapitalize="off"
      autoComplete="off"
      onChange={(event) => onChange(event.target.value)}
      onKeyDown={onKeyDown}
    />
  );
}
