/**
 * Turns the TypeScript of one cell into a function the evaluator process can run.
 *
 * Steps: TypeScript -> JavaScript (esbuild, injected so the worker uses esbuild-wasm and Node
 * tests can use the same); then the JavaScript is rewritten so that
 * - top-level declarations become bindings later cells see: each cell starts with the earlier
 *   bindings it mentions in scope, and ends by storing what it declared (re-running a cell
 *   rebinds its names);
 * - the value of a last expression statement is returned (the cell's shown value);
 * - awaits and loops are instrumented for the scheduler and the loop guard (runtime/instrument.ts).
 * Bindings are committed only when the cell completes, as in Livebook.
 */
import { parse } from 'acorn';
import MagicString from 'magic-string';
import { instrumentAwaits } from '../../runtime/index';
import type { CellCompileError } from './protocol';

/** TypeScript -> JavaScript; throws a CellCompileError-shaped error on invalid input. */
export type TsTransform = (source: string) => Promise<string>;

/** How a binding was declared, so `const` stays constant in later cells. */
export type BindingKind = 'const' | 'let' | 'var' | 'function' | 'class';

/** A compiled cell. */
export interface CompiledCell {
  /** JavaScript of an async function `(__ab, __env, ...globals) => Promise<value>`. */
  readonly code: string;
  /** Top-level names this cell declares, with their kind. */
  readonly declared: ReadonlyMap<string, BindingKind>;
  /** Names the cell mentions (an over-approximation: shadowed locals count too). */
  readonly mentioned: ReadonlySet<string>;
  /** True when the cell ends with an expression whose value is shown. */
  readonly hasValue: boolean;
}

export type CompileResult =
  { ok: true; cell: CompiledCell } | { ok: false; error: CellCompileError };

interface Node {
  type: string;
  start: number;
  end: number;
  loc?: { start: { line: number; column: number } };
  [key: string]: unknown;
}

/** Where the value of the last expression is kept; an identifier no learner writes. */
const VALUE = '__abValue';

/** Compiles `source`; `earlier` are the bindings earlier cells made (name -> kind). */
export async function compileCell(
  source: string,
  transform: TsTransform,
  earlier: ReadonlyMap<string, BindingKind>,
): Promise<CompileResult> {
  const moduleSyntax = /^[ \t]*(import|export)\b(?!\s*\()/m.exec(source);
  if (moduleSyntax) {
    return {
      ok: false,
      error: {
        message:
          'Cells cannot import or export: the runtime API is already in scope, and top-level names are shared with later cells.',
        line: source.slice(0, moduleSyntax.index).split('\n').length,
        column: moduleSyntax[0].length - moduleSyntax[1]!.length,
      },
    };
  }
  let js: string;
  try {
    js = await transform(source);
  } catch (e) {
    return { ok: false, error: toCellCompileError(e) };
  }
  let program: Node;
  try {
    program = parse(js, {
      ecmaVersion: 'latest',
      sourceType: 'module',
      allowAwaitOutsideFunction: true,
      locations: true,
    }) as unknown as Node;
  } catch (e) {
    return { ok: false, error: toCellCompileError(e) };
  }
  const body = program.body as Node[];
  const declared = new Map<string, BindingKind>();
  for (const statement of body) collectDeclared(statement, declared);
  const mentioned = new Set<string>();
  collectIdentifiers(program, mentioned);

  const out = new MagicString(js);
  const last = body.at(-1);
  // A lone string is a value in a cell, not a directive: cells have no 'use strict' prologue.
  const hasValue = last?.type === 'ExpressionStatement';
  if (hasValue) {
    const expression = last.expression as Node;
    out.prependRight(expression.start, `${VALUE} = (`);
    out.appendLeft(expression.end, ')');
  }

  const injected = [...earlier].filter(([name]) => mentioned.has(name) && !declared.has(name));
  const prologue = [
    `let ${VALUE};`,
    ...injected.map(
      ([name, kind]) => `${kind === 'const' ? 'const' : 'let'} ${name} = __env.${name};`,
    ),
  ].join(' ');
  const stored = [
    ...[...declared.keys()],
    ...injected.filter(([, kind]) => kind === 'let' || kind === 'var').map(([name]) => name),
  ];
  const epilogue = stored.map((name) => `__env.${name} = ${name};`).join(' ');
  out.prepend(`(async () => { ${prologue}\n`);
  out.append(`\n;${epilogue} return ${VALUE}; })`);
  const code = instrumentAwaits(out.toString(), { loopGuard: true });
  return { ok: true, cell: { code, declared, mentioned, hasValue } };
}

function toCellCompileError(e: unknown): CellCompileError {
  // esbuild: { errors: [{ text, location: { line, column } }] }; acorn: { message, loc }.
  const esbuildError = (
    e as { errors?: Array<{ text: string; location?: { line: number; column: number } | null }> }
  ).errors?.[0];
  if (esbuildError) {
    return {
      message: esbuildError.text,
      line: esbuildError.location?.line ?? 1,
      column: esbuildError.location?.column ?? 0,
    };
  }
  const acornError = e as { message?: string; loc?: { line: number; column: number } };
  return {
    message: acornError.message ?? String(e),
    line: acornError.loc?.line ?? 1,
    column: acornError.loc?.column ?? 0,
  };
}

function collectDeclared(statement: Node, into: Map<string, BindingKind>): void {
  if (statement.type === 'VariableDeclaration') {
    const kind = statement.kind as 'const' | 'let' | 'var';
    for (const declarator of statement.declarations as Node[]) {
      for (const name of patternNames(declarator.id as Node)) into.set(name, kind);
    }
  } else if (statement.type === 'FunctionDeclaration' && statement.id) {
    into.set((statement.id as Node).name as string, 'function');
  } else if (statement.type === 'ClassDeclaration' && statement.id) {
    into.set((statement.id as Node).name as string, 'class');
  }
}

function patternNames(pattern: Node): string[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name as string];
    case 'ObjectPattern':
      return (pattern.properties as Node[]).flatMap((p) =>
        patternNames((p.type === 'RestElement' ? p.argument : p.value) as Node),
      );
    case 'ArrayPattern':
      return (pattern.elements as Array<Node | null>).flatMap((e) => (e ? patternNames(e) : []));
    case 'RestElement':
      return patternNames(pattern.argument as Node);
    case 'AssignmentPattern':
      return patternNames(pattern.left as Node);
    default:
      return [];
  }
}

/** Every identifier used as a name (not as a property key or member name). */
function collectIdentifiers(node: Node, into: Set<string>): void {
  if (node.type === 'Identifier') {
    into.add(node.name as string);
    return;
  }
  for (const key of Object.keys(node)) {
    if (key === 'loc') continue;
    if (node.type === 'MemberExpression' && key === 'property' && !node.computed) continue;
    if (
      (node.type === 'Property' ||
        node.type === 'MethodDefinition' ||
        node.type === 'PropertyDefinition') &&
      key === 'key' &&
      !node.computed
    ) {
      if (node.type === 'Property' && node.shorthand) collectIdentifiers(node.value as Node, into);
      continue;
    }
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (isNode(child)) collectIdentifiers(child, into);
    } else if (isNode(value)) {
      collectIdentifiers(value, into);
    }
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
}
