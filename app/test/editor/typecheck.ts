/**
 * Type-checks cells in Node the way the cell editor's TypeScript worker does: the generated
 * runtime declarations and cell globals, the other cells' context files, and each cell a module.
 */
import path from 'node:path';
import ts from 'typescript';
import { cellContextFiles } from '../../editor/cellContext';
import type { RuntimeTypes } from '../../../scripts/runtimeTypes';

export interface CellDiagnostic {
  readonly cell: number;
  readonly code: number;
  readonly message: string;
}

/** Diagnostics of each cell, with the chapter's other cells as context, as the editor sees them. */
export function checkCells(types: RuntimeTypes, cells: readonly string[]): CellDiagnostic[] {
  const files = new Map<string, string>();
  for (const file of [...types.files, types.globals]) files.set(`/types/${file.path}`, file.text);
  for (const file of cellContextFiles(cells)) files.set(`/context/${file.path}`, file.text);
  cells.forEach((source, index) => files.set(`/cells/cell${index}.ts`, source));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
  const libDir = path.dirname(ts.getDefaultLibFilePath(options));
  const host = ts.createCompilerHost(options);
  host.fileExists = (f) => files.has(f) || ts.sys.fileExists(f);
  host.readFile = (f) => files.get(f) ?? ts.sys.readFile(f);
  host.directoryExists = (d) =>
    [...files.keys()].some((f) => f.startsWith(`${d}/`)) || ts.sys.directoryExists(d);
  host.getSourceFile = (f, language) => {
    const text = files.get(f) ?? ts.sys.readFile(f.startsWith('/') ? f : path.join(libDir, f));
    return text === undefined ? undefined : ts.createSourceFile(f, text, language);
  };
  host.getDefaultLibLocation = () => libDir;
  host.getCurrentDirectory = () => '/';
  const program = ts.createProgram([...files.keys()], options, host);
  const found: CellDiagnostic[] = [];
  cells.forEach((_, index) => {
    const file = program.getSourceFile(`/cells/cell${index}.ts`)!;
    for (const d of [
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    ]) {
      found.push({
        cell: index,
        code: d.code,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      });
    }
  });
  return found;
}
