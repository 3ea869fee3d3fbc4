/**
 * The one module that imports monaco-editor. Monaco, its TypeScript worker and the runtime's
 * declarations are large, so they load with dynamic imports on the first editor a learner needs
 * (never in the entry chunk), once: the promise is cached, and a failure is turned into a
 * rejected promise the cell shows as an inline note over a plain textarea.
 *
 * Everything Monaco-specific lives here: workers, the TypeScript setup for cells (the runtime
 * API as globals, the other cells' bindings as context), themes that follow `[data-theme]` and a
 * larger font under `[data-projector]` on <html>. Components get an `EditorKit` and never touch
 * Monaco's types.
 */
import type { ScriptTarget } from 'monaco-editor/languages/features/typescript/register.js';
import type { ContextFile } from './cellContext';

type MonacoApi = typeof import('monaco-editor/editor/editor.api.js');
type TypeScriptApi = typeof import('monaco-editor/languages/features/typescript/register.js');
type StandaloneEditor = ReturnType<MonacoApi['editor']['create']>;

/** What a cell's live editor is told. */
export interface CellEditorOptions {
  readonly cellId: string;
  readonly value: string;
  readonly readOnly: boolean;
  readonly ariaLabel: string;
  readonly onChange: (value: string) => void;
  readonly onRun: () => void;
  readonly onRunAndAdvance: () => void;
  /** The editor's content height in px changed (the host should take that height). */
  readonly onContentHeight: (height: number) => void;
  readonly onFocusChange: (focused: boolean) => void;
}

/** A live editor, as a cell sees it. */
export interface CellEditorHandle {
  /** Replaces the text when it changed outside the editor (a reset); keeps it otherwise. */
  setValue(value: string): void;
  setReadOnly(readOnly: boolean): void;
  getValue(): string;
  /** Focuses the editor, with the caret under a client point if one is given. */
  focus(point?: { readonly x: number; readonly y: number }): void;
  contentHeight(): number;
  dispose(): void;
}

/** Monaco, ready for cells. */
export interface EditorKit {
  createCellEditor(host: HTMLElement, options: CellEditorOptions): CellEditorHandle;
  /** Replaces the other cells' code the type checker uses as context. */
  setCellContext(files: readonly ContextFile[]): void;
}

const TYPES_FOLDER = 'file:///actorbook/types/';
const CONTEXT_FOLDER = 'file:///actorbook/context/';
const CELL_FOLDER = 'file:///actorbook/cells/';

let kitPromise: Promise<EditorKit> | null = null;

/** Loads Monaco and the runtime's types, once; later calls get the same promise. */
export function loadEditorKit(): Promise<EditorKit> {
  kitPromise ??= createKit();
  return kitPromise;
}

/** Milliseconds the last (first) load took, for the report and the browser test. */
export let editorKitLoadMs: number | null = null;

async function createKit(): Promise<EditorKit> {
  const started = performance.now();
  installWorkers();
  const [monaco, typescript, , types] = await Promise.all([
    import('monaco-editor/editor/editor.api.js'),
    import('monaco-editor/languages/features/typescript/register.js'),
    importEditorFeatures(),
    import('virtual:runtime-types'),
  ]);
  configureTypeScript(typescript, types.runtimeTypeFiles);
  const kit = new MonacoKit(monaco, typescript);
  editorKitLoadMs = performance.now() - started;
  return kit;
}

/**
 * The editor's contributions (hover, suggest, find, ...) and codicons, which must be registered
 * before the first editor is created, and the TypeScript colouring. Monaco's TypeScript mode
 * imports the same contribution bundle itself, so importing it here costs nothing extra.
 */
async function importEditorFeatures(): Promise<void> {
  await Promise.all([
    import('monaco-editor/internal/common/workers.js'),
    import('monaco-editor/languages/definitions/typescript/register.js'),
  ]);
}

interface MonacoEnvironmentHolder {
  MonacoEnvironment?: { getWorker(workerId: string, label: string): Promise<Worker> | Worker };
}

/** Tells Monaco how to start its workers: Vite bundles each as a module worker of its own. */
function installWorkers(): void {
  (globalThis as MonacoEnvironmentHolder).MonacoEnvironment = {
    async getWorker(_workerId, label) {
      if (label === 'typescript' || label === 'javascript') {
        const { default: TsWorker } =
          await import('monaco-editor/languages/features/typescript/ts.worker.js?worker');
        return new TsWorker();
      }
      const { default: EditorWorker } =
        await import('monaco-editor/editor/editor.worker.js?worker');
      return new EditorWorker();
    },
  };
}

/** Cells: ES2022, strict, each a module (top-level await), the runtime API as globals. */
function configureTypeScript(
  typescript: TypeScriptApi,
  runtimeFiles: readonly { readonly path: string; readonly text: string }[],
): void {
  const defaults = typescript.typescriptDefaults;
  defaults.setCompilerOptions({
    // ES2022: Monaco's enum stops at ES2020, but its TypeScript worker knows the number.
    target: 9 as ScriptTarget,
    module: typescript.ModuleKind.ESNext,
    moduleResolution: typescript.ModuleResolutionKind.NodeJs,
    lib: ['es2022'],
    types: [],
    strict: true,
    noEmit: true,
    allowNonTsExtensions: true,
    skipLibCheck: true,
    // Every cell is a module even without import/export, so `await` works at its top level and
    // two cells may declare the same name.
    moduleDetection: 3,
  });
  defaults.setDiagnosticsOptions({
    noSemanticValidation: false,
    noSyntaxValidation: false,
    noSuggestionDiagnostics: true,
  });
  for (const file of runtimeFiles) defaults.addExtraLib(file.text, TYPES_FOLDER + file.path);
}

/** Reads the editor's metrics from the CSS variables of editor.css, so all three views agree. */
function codeMetrics(element: Element): {
  fontFamily: string;
  fontSize: number;
  lineHeight: number;
  padY: number;
} {
  const style = getComputedStyle(element);
  const px = (name: string, fallback: number): number => {
    const value = Number.parseFloat(style.getPropertyValue(name));
    return Number.isFinite(value) ? value : fallback;
  };
  return {
    fontFamily: style.getPropertyValue('--code-font').trim() || 'monospace',
    fontSize: px('--code-font-size', 14),
    lineHeight: px('--code-line-height', 20),
    padY: px('--code-pad-y', 10),
  };
}

class MonacoKit implements EditorKit {
  private readonly editors = new Set<StandaloneEditor>();
  private contextLibs = new Map<string, { text: string; lib: { dispose(): void } }>();
  private themeKey = '';

  constructor(
    private readonly monaco: MonacoApi,
    private readonly typescript: TypeScriptApi,
  ) {
    this.applyTheme();
    new MutationObserver(() => this.onPageModeChange()).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme', 'data-projector', 'class', 'style'],
    });
  }

  createCellEditor(host: HTMLElement, options: CellEditorOptions): CellEditorHandle {
    const { monaco } = this;
    const uri = monaco.Uri.parse(`${CELL_FOLDER}${encodeURIComponent(options.cellId)}.ts`);
    monaco.editor.getModel(uri)?.dispose();
    const model = monaco.editor.createModel(options.value, 'typescript', uri);
    const metrics = codeMetrics(host);
    const editor = monaco.editor.create(host, {
      model,
      ariaLabel: options.ariaLabel,
      readOnly: options.readOnly,
      fontFamily: metrics.fontFamily,
      fontSize: metrics.fontSize,
      lineHeight: metrics.lineHeight,
      padding: { top: metrics.padY, bottom: metrics.padY },
      lineNumbers: 'off',
      glyphMargin: false,
      folding: false,
      lineDecorationsWidth: 16,
      lineNumbersMinChars: 0,
      minimap: { enabled: false },
      overviewRulerLanes: 0,
      overviewRulerBorder: false,
      hideCursorInOverviewRuler: true,
      renderLineHighlight: 'none',
      // Plain brackets, as in the static code a cell shows before its editor: no colour flash.
      bracketPairColorization: { enabled: false },
      scrollBeyondLastLine: false,
      scrollbar: {
        vertical: 'hidden',
        horizontal: 'auto',
        alwaysConsumeMouseWheel: false,
        useShadows: false,
      },
      tabSize: 2,
      automaticLayout: true,
      fixedOverflowWidgets: true,
      contextmenu: true,
      stickyScroll: { enabled: false },
      wordBasedSuggestions: 'off',
      renderValidationDecorations: 'on',
    });
    this.editors.add(editor);
    let applying = false;
    const subscriptions = [
      model.onDidChangeContent(() => {
        if (!applying) options.onChange(model.getValue());
      }),
      editor.onDidContentSizeChange((event) => {
        if (event.contentHeightChanged) options.onContentHeight(event.contentHeight);
      }),
      editor.onDidFocusEditorText(() => options.onFocusChange(true)),
      editor.onDidBlurEditorText(() => options.onFocusChange(false)),
    ];
    const KeyMod = monaco.KeyMod;
    const KeyCode = monaco.KeyCode;
    editor.addAction({
      id: 'actorbook.runAndAdvance',
      label: 'Run cell and go to the next',
      keybindings: [KeyMod.Shift | KeyCode.Enter],
      run: () => options.onRunAndAdvance(),
    });
    editor.addAction({
      id: 'actorbook.run',
      label: 'Run cell',
      keybindings: [KeyMod.CtrlCmd | KeyCode.Enter],
      run: () => options.onRun(),
    });
    options.onContentHeight(editor.getContentHeight());
    return {
      setValue: (value) => {
        if (model.getValue() === value) return;
        applying = true;
        try {
          model.pushEditOperations(
            [],
            [{ range: model.getFullModelRange(), text: value }],
            () => null,
          );
        } finally {
          applying = false;
        }
      },
      setReadOnly: (readOnly) => editor.updateOptions({ readOnly }),
      getValue: () => model.getValue(),
      focus: (point) => {
        if (point) {
          const target = editor.getTargetAtClientPoint(point.x, point.y);
          if (target?.position) editor.setPosition(target.position);
        }
        editor.focus();
      },
      contentHeight: () => editor.getContentHeight(),
      dispose: () => {
        for (const s of subscriptions) s.dispose();
        this.editors.delete(editor);
        editor.dispose();
        model.dispose();
      },
    };
  }

  setCellContext(files: readonly ContextFile[]): void {
    const defaults = this.typescript.typescriptDefaults;
    const next = new Map<string, { text: string; lib: { dispose(): void } }>();
    for (const file of files) {
      const path = CONTEXT_FOLDER + file.path;
      const known = this.contextLibs.get(path);
      // Same text: keep the old registration (Monaco would hand back a no-op disposable).
      next.set(
        path,
        known?.text === file.text
          ? known
          : { text: file.text, lib: defaults.addExtraLib(file.text, path) },
      );
    }
    for (const [path, known] of this.contextLibs) {
      if (!next.has(path)) known.lib.dispose();
    }
    this.contextLibs = next;
  }

  private onPageModeChange(): void {
    this.applyTheme();
    for (const editor of this.editors) {
      const host = editor.getContainerDomNode();
      const metrics = codeMetrics(host);
      editor.updateOptions({
        fontFamily: metrics.fontFamily,
        fontSize: metrics.fontSize,
        lineHeight: metrics.lineHeight,
        padding: { top: metrics.padY, bottom: metrics.padY },
      });
    }
  }

  /** One light and one dark theme, whose background is the page's code tint. */
  private applyTheme(): void {
    const root = document.documentElement;
    const dark = root.dataset.theme === 'dark';
    const style = getComputedStyle(root);
    const background = style.getPropertyValue('--tint').trim() || (dark ? '#1e1e1e' : '#ffffff');
    const key = `${dark}:${background}`;
    if (key === this.themeKey) return;
    this.themeKey = key;
    const name = dark ? 'actorbook-dark' : 'actorbook-light';
    this.monaco.editor.defineTheme(name, {
      base: dark ? 'vs-dark' : 'vs',
      inherit: true,
      rules: [],
      colors: {
        'editor.background': toHexColor(background),
        'editorGutter.background': toHexColor(background),
      },
    });
    this.monaco.editor.setTheme(name);
  }
}

/** Monaco wants #rrggbb; the page's variables may be any CSS colour, so let the browser convert. */
function toHexColor(color: string): string {
  if (/^#[0-9a-f]{6}$/i.test(color)) return color;
  const probe = document.createElement('span');
  probe.style.color = color;
  document.body.append(probe);
  const rgb = getComputedStyle(probe).color;
  probe.remove();
  const parts = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(rgb);
  if (!parts) return '#ffffff';
  return `#${parts
    .slice(1, 4)
    .map((n) => Number(n).toString(16).padStart(2, '0'))
    .join('')}`;
}
