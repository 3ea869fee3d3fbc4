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

/** One declaration file, at a path relative to the repository (`runtime/index.d.ts`). */
export interface DeclarationFile {
  readonly path: string;
  readonly text: string;
}

/** What the editor gets: the runtime's declaration files and the cell globals. */
export interface RuntimeTypes {
  readonly files: readonly DeclarationFile[];
  /** A module file (`globals.d.ts`, at the root) declaring every cell global. */
  readonly globals: DeclarationFile;
  /** The value names cells see, sorted. */
  readonly globalNames: readonly string[];
}

/** A cell global the engine adds besides the runtime's exports, typed by an exported type. */
export interface ExtraGlobal {
  readonly name: string;
  /** The module that exports its type (`app/engine/viz.ts`). */
  readonly file: string;
  /** The exported type's name (`Viz`). */
  readonly typeName: string;
}

export interface RuntimeTypesOptions {
  /** The repository root: declaration paths are relative to it. */
  readonly rootDir: string;
  /** The runtime's entry, `runtime/index.ts`. */
  readonly entry: string;
  /** Value exports cells do not get (the engine's `NOT_FOR_CELLS`). */
  readonly notForCells: ReadonlySet<string>;
  readonly extraGlobals?: readonly ExtraGlobal[];
  /** Told about type errors in the sources (declarations are still made). */
  readonly warn?: (message: string) => void;
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
  const rootDir = path.resolve(options.rootDir);
  const extras = (options.extraGlobals ?? []).map((g) => ({ ...g, file: path.resolve(g.file) }));
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // Extra globals come from app modules, which may use the host's APIs (queueMicrotask).
    lib: extras.length > 0 ? ['lib.es2022.d.ts', 'lib.dom.d.ts'] : ['lib.es2022.d.ts'],
    types: [],
    strict: true,
    declaration: true,
    emitDeclarationOnly: true,
    removeComments: false,
    skipLibCheck: true,
    rootDir,
    outDir: '/decl',
  };
  const program = ts.createProgram([entry, ...extras.map((g) => g.file)], compilerOptions);
  const files: DeclarationFile[] = [];
  const emit = program.emit(undefined, (fileName, text) => {
    files.push({ path: path.posix.relative('/decl', fileName.replaceAll('\\', '/')), text });
  });
  // Only the declaration emit's own problems: a full type check of the sources is `tsc -b`'s job
  // and would double the time this adds to every build.
  const problems = [...program.getSyntacticDiagnostics(), ...emit.diagnostics].filter(
    (d) => d.category === ts.DiagnosticCategory.Error,
  );
  const report = ts.formatDiagnostics(problems.slice(0, 5), {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => rootDir,
    getNewLine: () => '\n',
  });
  if (emit.emitSkipped) throw new Error(`The runtime's declarations were not made:\n${report}`);
  // A type error elsewhere (work in progress) must not stop the build: the editor gets what
  // could be declared, and the build log says why a type may be off.
  if (problems.length > 0)
    options.warn?.(`Cell editor types: ${problems.length} type errors\n${report}`);
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
  const imports: string[] = [];
  extras.forEach((extra, index) => {
    const file = program.getSourceFile(extra.file);
    const fileSymbol = file && checker.getSymbolAtLocation(file);
    const typeSymbol =
      fileSymbol &&
      checker.getExportsOfModule(fileSymbol).find((e) => e.getName() === extra.typeName);
    if (!typeSymbol) {
      options.warn?.(
        `Cell editor types: ${extra.file} exports no ${extra.typeName}; ${extra.name} left out`,
      );
      return;
    }
    const target =
      typeSymbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(typeSymbol) : typeSymbol;
    const from = `./${moduleSpecifier(rootDir, extra.file)}`;
    imports.push(`import type { ${extra.typeName} as Extra${index} } from '${from}';`);
    globalNames.push(extra.name);
    lines.push(`${docComment(target, checker)}  const ${extra.name}: Extra${index};`);
  });
  globalNames.sort();
  const globals: DeclarationFile = {
    path: 'globals.d.ts',
    text: [
      '// The names a notebook cell sees without importing anything.',
      `import type * as rt from './${moduleSpecifier(rootDir, entry)}';`,
      ...imports,
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

/** `runtime/index` for `<root>/runtime/index.ts`. */
function moduleSpecifier(rootDir: string, file: string): string {
  return path
    .relative(rootDir, file)
    .replaceAll('\\', '/')
    .replace(/\.tsx?$/, '');
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
