/**
 * What the editor's type checker knows about the bindings cells share.
 *
 * At run time a cell sees the top-level names of the cells that ran before it. For the type
 * checker each cell is a module of its own (so two cells may both declare `x`), and the other
 * cells' code is added as context: one module per cell holding its code plus an `export` of its
 * top-level names, and one declaration file that makes each name a global typed from the module
 * that declares it first in the chapter (`declare global { const counter: typeof
 * import('./cell-2').counter }`). So `counter` has its real type in every other cell, with no
 * squiggle. The price of one shared set of globals: a cell may also use, without a squiggle, a
 * name that only a later cell declares.
 */
import type { DeclarationKind } from './tsTokens';
import { topLevelDeclarations } from './tsTokens';

/** One context file, with a path relative to the context folder. */
export interface ContextFile {
  readonly path: string;
  readonly text: string;
}

/** The context files for a chapter's cells, given in chapter order. */
export function cellContextFiles(sources: readonly string[]): ContextFile[] {
  const files: ContextFile[] = [];
  const globals = new Map<string, { kind: DeclarationKind; module: string }>();
  sources.forEach((source, index) => {
    const module = `cell-${index}`;
    const declared = topLevelDeclarations(source);
    for (const d of declared) {
      if (!globals.has(d.name)) globals.set(d.name, { kind: d.kind, module });
    }
    const exported = declared.map((d) => d.name);
    files.push({
      path: `${module}.ts`,
      text: `${source}\n;export { ${exported.join(', ')} };\n`,
    });
  });
  const lines: string[] = [];
  for (const [name, { kind, module }] of globals) {
    const from = `import('./${module}').${name}`;
    if (kind === 'type') {
      lines.push(`  type ${name} = ${from};`);
      continue;
    }
    lines.push(`  ${kind === 'let' || kind === 'var' ? 'let' : 'const'} ${name}: typeof ${from};`);
    if (kind === 'class' || kind === 'enum') lines.push(`  type ${name} = ${from};`);
  }
  files.push({
    path: 'globals.d.ts',
    text: ['declare global {', ...lines, '}', 'export {};', ''].join('\n'),
  });
  return files;
}
