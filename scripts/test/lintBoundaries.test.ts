/**
 * Proves the boundary rules in eslint.config.js are live: source text is linted as if it sat at
 * a path in runtime/ or app/, so no probe file ever exists in the tree.
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: repoRoot });

const BOUNDARY_RULES = ['no-restricted-imports', 'no-restricted-globals', 'no-restricted-syntax'];

/** The boundary violations reported for `code` at `filePath`, as "line:rule" strings. */
async function boundaryViolations(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId !== null && BOUNDARY_RULES.includes(message.ruleId))
    .map((message) => `${message.line}:${message.ruleId}`);
}

const PAGE_CODE = [
  "import React from 'react';",
  "import { useStore } from '../app/store/useStore';",
  'export const title = document.title;',
  'export const element = React.createElement(useStore);',
  '',
].join('\n');

describe('the runtime boundary lint', () => {
  it('reports React, app/ imports and document in runtime/', async () => {
    await expect(boundaryViolations(PAGE_CODE, 'runtime/__lint_probe__.ts')).resolves.toEqual([
      '1:no-restricted-imports',
      '2:no-restricted-imports',
      '3:no-restricted-globals',
    ]);
  });

  it('allows the same code in app/', async () => {
    await expect(boundaryViolations(PAGE_CODE, 'app/__lint_probe__.ts')).resolves.toEqual([]);
  });

  it('reports every page library, including subpaths, in runtime/', async () => {
    const code = [
      "import { createRoot } from 'react-dom/client';",
      "import { create } from 'zustand';",
      "import * as monaco from 'monaco-editor';",
      "import mermaid from 'mermaid';",
      "import * as esbuild from 'esbuild-wasm';",
      "import { App } from '/app/App';",
      'export default [createRoot, create, monaco, mermaid, esbuild, App];',
    ].join('\n');

    await expect(boundaryViolations(code, 'runtime/__lint_probe__.ts')).resolves.toEqual([
      '1:no-restricted-imports',
      '2:no-restricted-imports',
      '3:no-restricted-imports',
      '4:no-restricted-imports',
      '5:no-restricted-imports',
      '6:no-restricted-imports',
    ]);
  });

  it('reports host globals, directly and through globalThis, in runtime/', async () => {
    const code = [
      'export const w = window.innerWidth;',
      'export const stored = localStorage.getItem("x");',
      'export const agent = navigator.userAgent;',
      'export const viaGlobal = globalThis.document;',
      'self.postMessage(1);',
    ].join('\n');

    await expect(boundaryViolations(code, 'runtime/__lint_probe__.ts')).resolves.toEqual([
      '1:no-restricted-globals',
      '2:no-restricted-globals',
      '3:no-restricted-globals',
      '4:no-restricted-syntax',
      '5:no-restricted-globals',
    ]);
  });

  it('allows a function named self declared and used inside runtime/', async () => {
    const code = [
      "import { self as currentPid } from './api';",
      'export function self(): unknown {',
      '  return currentPid();',
      '}',
      'export const me = self();',
    ].join('\n');

    await expect(boundaryViolations(code, 'runtime/__lint_probe__.ts')).resolves.toEqual([]);
  });

  it('keeps host timers to runtime/host.ts', async () => {
    const code = [
      'export const handle = setTimeout(() => {}, 1);',
      'clearTimeout(handle);',
      'setInterval(() => {}, 1);',
      'setImmediate(() => {});',
    ].join('\n');

    await expect(boundaryViolations(code, 'runtime/__lint_probe__.ts')).resolves.toEqual([
      '1:no-restricted-globals',
      '2:no-restricted-globals',
      '3:no-restricted-globals',
      '4:no-restricted-globals',
    ]);
    await expect(boundaryViolations(code, 'runtime/host.ts')).resolves.toEqual([]);
  });

  it('keeps the DOM out of runtime/host.ts too', async () => {
    await expect(
      boundaryViolations('export const t = document.title;\n', 'runtime/host.ts'),
    ).resolves.toEqual(['1:no-restricted-globals']);
  });
});

describe('the runtime test lint', () => {
  it('lets runtime tests use Node built-ins but not the app', async () => {
    const code = [
      "import { AsyncLocalStorage } from 'node:async_hooks';",
      "import { App } from '../../app/App';",
      'export default [AsyncLocalStorage, App];',
    ].join('\n');

    await expect(boundaryViolations(code, 'runtime/test/__lint_probe__.test.ts')).resolves.toEqual([
      '2:no-restricted-imports',
    ]);
    await expect(boundaryViolations(code, 'runtime/__lint_probe__.ts')).resolves.toEqual([
      '1:no-restricted-imports',
      '2:no-restricted-imports',
    ]);
  });
});

describe('the app boundary lint', () => {
  it('lets app/ import the runtime only through runtime/index.ts', async () => {
    const code = [
      "import { createRuntime } from '../runtime/index';",
      "import { Mailbox } from '../runtime/mailbox';",
      'export default [createRuntime, Mailbox];',
    ].join('\n');

    await expect(boundaryViolations(code, 'app/__lint_probe__.ts')).resolves.toEqual([
      '2:no-restricted-imports',
    ]);
  });
});

describe('the runtime internals lint', () => {
  /** Lints probe `code` (its imports written from app/) in app/, bench/ and app/engine/. */
  async function expectOutsideRuntime(code: string, expected: string[]): Promise<void> {
    await expect(boundaryViolations(code, 'app/__lint_probe__.ts')).resolves.toEqual(expected);
    await expect(boundaryViolations(code, 'bench/__lint_probe__.ts')).resolves.toEqual(expected);
    // The engine's own no-restricted-syntax (host objects) must keep these, not replace them.
    const engineCode = code.replaceAll("'../runtime/index'", "'../../runtime/index'");
    await expect(boundaryViolations(engineCode, 'app/engine/__lint_probe__.ts')).resolves.toEqual(
      expected,
    );
  }

  const code = [
    "import type { Runtime, Pid } from '../runtime/index';",
    'type Proc = NonNullable<ReturnType<Runtime["procOf"]>>;',
    'export function peek(rt: Runtime, pid: Pid): unknown {',
    '  const proc = rt.procOf(pid);',
    '  return [proc?.mailbox.length, proc?.ioSink, proc?.publishedState, proc?.ownedTable];',
    '}',
    'export type Handle = Proc;',
  ].join('\n');

  it('reports Proc and its fields outside runtime/', async () => {
    const expected = [
      // the name Proc, and its type derived from procOf
      '2:no-restricted-syntax',
      '2:no-restricted-syntax',
      '4:no-restricted-syntax',
      '5:no-restricted-syntax',
      '5:no-restricted-syntax',
      '5:no-restricted-syntax',
      '5:no-restricted-syntax',
      '7:no-restricted-syntax',
    ];
    await expectOutsideRuntime(code, expected);
  });

  it('lets the runtime itself use them', async () => {
    await expect(boundaryViolations(code, 'runtime/__lint_probe__.ts')).resolves.toEqual([]);
  });

  // Every way a host could come to hold a process handle instead of a pid.
  const handleCode = [
    "import { cellSupport } from '../runtime/index';",
    "import type { Pid, Runtime } from '../runtime/index';",
    'type Running = NonNullable<ReturnType<typeof cellSupport.proc>>;',
    'type Started = ReturnType<Runtime["spawnNative"]>;',
    'export function grab(rt: Runtime, pid: Pid): unknown {',
    '  const running = cellSupport.proc();',
    '  const behind = pid.proc;',
    '  const all = rt.processes();',
    '  rt.spawnNative(null, () => {});',
    '  return [running, behind, all];',
    '}',
    'export type Handles = [Running, Started];',
  ].join('\n');

  it('reports each way of getting a process handle outside runtime/, and none inside', async () => {
    await expectOutsideRuntime(handleCode, [
      '3:no-restricted-syntax',
      '4:no-restricted-syntax',
      '6:no-restricted-syntax',
      '7:no-restricted-syntax',
      '8:no-restricted-syntax',
      '9:no-restricted-syntax',
    ]);
    await expect(boundaryViolations(handleCode, 'runtime/__lint_probe__.ts')).resolves.toEqual([]);
  });

  it('lets the engine work by pid: spawn, exit hooks, the running process and its awaits', async () => {
    const code = [
      "import { cellSupport, processSnapshots } from '../../runtime/index';",
      "import type { Pid, Runtime } from '../../runtime/index';",
      'export async function use(rt: Runtime, run: { processes: Set<Pid> }): Promise<unknown> {',
      '  const me = cellSupport.self();',
      '  const child = rt.spawn(me?.pid ?? null, () => 1, { groupLeader: me?.groupLeader });',
      '  run.processes.add(child);',
      '  rt.onExit(child, () => run.processes.delete(child));',
      '  const pid = me?.pid ?? null;',
      '  const value = cellSupport.resumeAs(pid, await cellSupport.awaitAs(pid, Promise.resolve(1)));',
      '  return [value, processSnapshots(rt), rt.settleInProcess(child, Promise.resolve(2), () => {})];',
      '}',
    ].join('\n');

    await expect(boundaryViolations(code, 'app/engine/__lint_probe__.ts')).resolves.toEqual([]);
  });
});

describe('the engine boundary lint', () => {
  const ENGINE_PROBE = 'app/engine/__lint_probe__.ts';

  it('reports DOM globals in app/engine/, directly and through globalThis', async () => {
    const code = [
      'export const title = document.title;',
      'export const w = window.innerWidth;',
      'export const stored = localStorage.getItem("x");',
      'export const viaGlobal = globalThis.document;',
      'export const timer = setTimeout(() => {}, 1);',
    ].join('\n');

    await expect(boundaryViolations(code, ENGINE_PROBE)).resolves.toEqual([
      '1:no-restricted-globals',
      '2:no-restricted-globals',
      '3:no-restricted-globals',
      '4:no-restricted-syntax',
      '5:no-restricted-globals',
    ]);
  });

  it('reports app/ imports, runtime internals and page libraries in app/engine/', async () => {
    const code = [
      "import { useAppStore } from '../store/appStore';",
      "import { Prose } from '../components/Prose';",
      "import { Runtime } from '../../runtime/runtime';",
      "import React from 'react';",
      "import * as monaco from 'monaco-editor';",
      "import { create } from 'zustand';",
      "import { readFileSync } from 'node:fs';",
      "import * as esbuild from 'esbuild-wasm';",
      'export default [useAppStore, Prose, Runtime, React, monaco, create, readFileSync, esbuild];',
    ].join('\n');

    await expect(boundaryViolations(code, ENGINE_PROBE)).resolves.toEqual([
      '1:no-restricted-imports',
      '2:no-restricted-imports',
      '3:no-restricted-imports',
      '4:no-restricted-imports',
      '5:no-restricted-imports',
      '6:no-restricted-imports',
      '7:no-restricted-imports',
      '8:no-restricted-imports',
    ]);
  });

  it('allows the runtime entry, the panel models, engine files and small pure libraries', async () => {
    const code = [
      "import { createRuntime } from '../../runtime/index';",
      "import { pidText } from '../panels/model/describe';",
      "import { compileCell } from './cellCompiler';",
      "import { parse } from 'acorn';",
      "import MagicString from 'magic-string';",
      'export default [createRuntime, pidText, compileCell, parse, MagicString];',
    ].join('\n');

    await expect(boundaryViolations(code, ENGINE_PROBE)).resolves.toEqual([]);
  });

  it('lets only app/engine/esbuildWasm.ts load esbuild-wasm', async () => {
    const code = "import * as esbuild from 'esbuild-wasm';\nexport default esbuild;\n";

    await expect(boundaryViolations(code, 'app/engine/esbuildWasm.ts')).resolves.toEqual([]);
    await expect(boundaryViolations(code, ENGINE_PROBE)).resolves.toEqual([
      '1:no-restricted-imports',
    ]);
  });

  it('lets the page import the engine only through its entry and its protocol', async () => {
    const code = [
      "import { parseChapter } from '../engine/index';",
      "import { parseFromWorker } from '../engine/protocol';",
      "import { NotebookEngine } from '../engine/notebookEngine';",
      "import { VizHost } from '../engine/viz';",
      'export default [parseChapter, parseFromWorker, NotebookEngine, VizHost];',
    ].join('\n');

    await expect(boundaryViolations(code, 'app/store/__lint_probe__.ts')).resolves.toEqual([
      '3:no-restricted-imports',
      '4:no-restricted-imports',
    ]);
    await expect(boundaryViolations(code, 'app/worker/__lint_probe__.ts')).resolves.toEqual([
      '3:no-restricted-imports',
      '4:no-restricted-imports',
    ]);
  });
});

describe('the panel models lint', () => {
  const MODEL_PROBE = 'app/panels/model/__lint_probe__.ts';

  it('keeps the panel models inside the engine walls: no DOM, no page code, no runtime internals', async () => {
    const code = [
      "import { useAppStore } from '../../store/appStore';",
      "import { Runtime } from '../../../runtime/runtime';",
      "import React from 'react';",
      "import { checkShape } from '../../engine/validation';",
      "import type { Pid } from '../../../runtime/index';",
      "import { clip } from './describe';",
      'export const title = document.title;',
      'export type P = Pid;',
      'export default [useAppStore, Runtime, React, checkShape, clip, title];',
    ].join('\n');

    await expect(boundaryViolations(code, MODEL_PROBE)).resolves.toEqual([
      '1:no-restricted-imports',
      // a runtime internal, and a path out of the models that is not one of the two allowed
      '2:no-restricted-imports',
      '2:no-restricted-imports',
      '3:no-restricted-imports',
      '7:no-restricted-globals',
    ]);
  });
});
