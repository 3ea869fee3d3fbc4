/**
 * Declaration text of the runtime for the cell editor's type checker, made at build time.
 *
 * The page never imports the runtime, so the editor cannot read its types from the bundle: the
 * build compiles `runtime/index.ts` with `emitDeclarationOnly` into memory (doc comments kept,
 * since they are the hover help), and writes one more file that declares each cell global (the
 * runtime's value exports that the notebook engine hands to cells) with its doc comment, plus the
 * exported types, so `(pid: Pid) => ...` type-checks in a cell too. `scripts/runtimeTypesPlugin.ts`
 * serves the result to the page as `virtual:runtime-types`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One declaration file, at a path relative to the runtime's folder (`index.d.ts`, `otp/task.d.ts`). */
export interface DeclarationFile {
  readonly path: string;
  readonly text: string;
}

/** What the editor gets: the runtime's declaration files and the cell globals. */
export interface RuntimeTypes {
  readonly files: readonly DeclarationFile[];
  /** A module file (`globals.d.ts`, next to `index.d.ts`) declaring every cell global. */
  readonly globals: DeclarationFile;
  /** The value names cells see, sorted. */
  readonly globalNames: readonly string[];
}

export interface RuntimeTypesOptions {
  /** The runtime's entry, `runtime/index.ts`. */
  readonly entry: string;
  /** Value exports cells do not get (the engine's `NOT_FOR_CELLS`). */
  readonly notForCells: ReadonlySet<string>;
}

/** Names the editor declares for cells besides the runtime's exports. */
const CONSOLE_DECLARATION = `  /** Writes to the cell's output: \`log\` and \`info\` to stdout, \`warn\` and \`error\` to stderr. */
  const console: {
    log(...values: unknown[]): void;
    info(...values: unknown[]): void;
    warn(...values: unknown[]): void;
    error(...values: unknown[]): void;
  };`;

/** Compiles the runtime's declarations in memory and declares the cell globals. */
export function generateRuntimeTypes(options: RuntimeTypesOptions): RuntimeTypes {
  const entry = path.resolve(options.entry);
  const rootDir = path.dirname(entry);
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts'],
    types: [],
    strict: true,
    declaration: true,
    emitDeclarationOnly: true,
    removeComments: false,
    skipLibCheck: true,
    rootDir,
    outDir: '/decl',
  };
  const program = ts.createProgram([entry], compilerOptions);
  const files: DeclarationFile[] = [];
  const emit = program.emit(undefined, (fileName, text) => {
    files.push({ path: path.posix.relative('/decl', fileName.replaceAll('\\', '/')), text });
  });
  const problems = [...ts.getPreEmitDiagnostics(program), ...emit.diagnostics].filter(
    (d) => d.category === ts.DiagnosticCategory.Error,
  );
  if (problems.length > 0 || emit.emitSkipped) {
    const text = ts.formatDiagnostics(problems, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => rootDir,
      getNewLine: () => '\n',
    });
    throw new Error(`The runtime's declarations could not be generated:\n${text}`);
  }
  files.sort((a, b) => a.path.localeCompare(b.path));

  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${options.entry} is not a module`);
  const lines: string[] = [];
  const globalNames: string[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const name = exported.getName();
    const target =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const doc = docComment(target, checker);
    const isValue = (target.flags & ts.SymbolFlags.Value) !== 0;
    const isType = (target.flags & ts.SymbolFlags.Type) !== 0;
    if (isValue && !options.notForCells.has(name)) {
      globalNames.push(name);
      lines.push(`${doc}  const ${name}: typeof rt.${name};`);
    }
    if (isType) {
      const params = typeParameters(target);
      const args = params.length > 0 ? `<${params.map((p) => p.name).join(', ')}>` : '';
      const declared = params.length > 0 ? `<${params.map((p) => p.text).join(', ')}>` : '';
      lines.push(`${doc}  type ${name}${declared} = rt.${name}${args};`);
    }
  }
  globalNames.sort();
  const globals: DeclarationFile = {
    path: 'globals.d.ts',
    text: [
      '// The names a notebook cell sees without importing anything.',
      "import type * as rt from './index';",
      '',
      'declare global {',
      ...lines,
      CONSOLE_DECLARATION,
      '}',
      '',
      'export {};',
      '',
    ].join('\n'),
  };
  return { files, globals, globalNames };
}

/** A symbol's doc comment, rewritten as a JSDoc block indented for `declare global`. */
function docComment(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  const tags = symbol
    .getJsDocTags(checker)
    .map((tag) => `@${tag.name}${tag.text ? ` ${ts.displayPartsToString(tag.text)}` : ''}`);
  const body = [text, ...tags].filter((part) => part.length > 0).join('\n');
  if (body.length === 0) return '';
  const escaped = body.replaceAll('*/', '*\\/').split('\n');
  return `  /**\n${escaped.map((line) => `   * ${line}`.trimEnd()).join('\n')}\n   */\n`;
}

/** The type parameters of a type's first declaration: name, and full text (constraint, default). */
function typeParameters(symbol: ts.Symbol): { name: string; text: string }[] {
  for (const declaration of symbol.getDeclarations() ?? []) {
    if (
      ts.isInterfaceDeclaration(declaration) ||
      ts.isTypeAliasDeclaration(declaration) ||
      ts.isClassDeclaration(declaration)
    ) {
      return (declaration.typeParameters ?? []).map((p) => ({
        name: p.name.text,
        text: p.getText(),
      }));
    }
  }
  return [];
}

/** The names in the notebook engine's `NOT_FOR_CELLS` set, read from its source. */
export function readNotForCells(engineFile: string): Set<string> {
  const text = readFileSync(engineFile, 'utf8');
  const file = ts.createSourceFile(engineFile, text, ts.ScriptTarget.ES2022, true);
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === 'NOT_FOR_CELLS' &&
      node.initializer
    ) {
      node.initializer.forEachChild(function collect(child) {
        if (ts.isStringLiteral(child)) names.add(child.text);
        else child.forEachChild(collect);
      });
    }
    node.forEachChild(visit);
  };
  visit(file);
  if (names.size === 0) throw new Error(`No NOT_FOR_CELLS list found in ${engineFile}`);
  return names;
}
