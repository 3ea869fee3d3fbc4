import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeTypes } from '../../../scripts/runtimeTypes';
import { generateRuntimeTypes, readNotForCells } from '../../../scripts/runtimeTypes';
import { engineExtraGlobals } from '../../../scripts/runtimeTypesPlugin';
import { checkCells } from './typecheck';

const root = path.resolve(import.meta.dirname, '../../..');
const engineFile = path.join(root, 'app/engine/notebookEngine.ts');
let types: RuntimeTypes;

beforeAll(() => {
  types = generateRuntimeTypes({
    rootDir: root,
    entry: path.join(root, 'runtime/index.ts'),
    notForCells: readNotForCells(engineFile),
  });
}, 60_000);

describe('generateRuntimeTypes', { timeout: 120_000 }, () => {
  it('emits the runtime declarations with their doc comments', () => {
    const api = types.files.find((f) => f.path === 'runtime/api.d.ts');
    expect(api?.text).toContain('export declare function spawn(');
    expect(api?.text).toMatch(
      /\/\*\*[^/]*Starts a new process[^/]*\*\/\s*export declare function spawn/,
    );
    expect(types.files.some((f) => f.path === 'runtime/index.d.ts')).toBe(true);
    expect(types.files.some((f) => f.path === 'runtime/otp/genServer.d.ts')).toBe(true);
  });

  it('declares each cell global with the doc comment of the runtime export', () => {
    expect(types.globals.text).toMatch(
      /\/\*\*\s*\n\s*\* Starts a new process running `fn`[^\n]*\n\s*\*\/\n\s*const spawn: typeof rt\.spawn;/,
    );
    for (const name of ['spawn', 'send', 'receive', 'self', 'Process', 'GenServer', 'Supervisor']) {
      expect(types.globalNames).toContain(name);
    }
    for (const name of [
      'DynamicSupervisor',
      'PartitionSupervisor',
      'Registry',
      'Task',
      'Agent',
      'IO',
      'inspect',
      'catchExit',
      'on',
      'after',
      '_',
      'sleep',
      'exit',
      'flush',
      'makeRef',
      'spawnLink',
      'spawnMonitor',
      'sys',
    ]) {
      expect(types.globalNames).toContain(name);
    }
  });

  it('leaves out the exports the engine keeps from cells, as values', () => {
    expect(readNotForCells(engineFile)).toContain('createRuntime');
    expect(types.globalNames).not.toContain('createRuntime');
    expect(types.globalNames).not.toContain('Runtime');
    expect(types.globals.text).not.toContain('const createRuntime');
  });

  it('declares `viz` with its documented type when the engine hands it to cells', () => {
    const withViz = generateRuntimeTypes({
      rootDir: root,
      entry: path.join(root, 'runtime/index.ts'),
      notForCells: new Set(),
      extraGlobals: [
        {
          name: 'viz',
          file: path.join(import.meta.dirname, 'fixtures/vizTypes.ts'),
          typeName: 'Viz',
        },
      ],
    });
    expect(withViz.globalNames).toContain('viz');
    expect(withViz.globals.text).toMatch(/Draws things under the cell\.[\s\S]*const viz: Extra0;/);
    const diagnostics = checkCells(withViz, ["viz.note('hello');", 'viz.note(42);']);
    expect(diagnostics.map((d) => [d.cell, d.code])).toEqual([[1, 2345]]);
  }, 120_000);
});

describe('the engine globals of cells', { timeout: 180_000 }, () => {
  it('declares viz and check, each with the type its engine module exports', () => {
    const extras = engineExtraGlobals(engineFile);
    expect(extras.map((g) => [g.name, path.basename(g.file), g.typeName])).toEqual([
      ['viz', 'viz.ts', 'Viz'],
      ['check', 'exerciseCheck.ts', 'Check'],
      ['View', 'view.ts', 'ViewApi'],
    ]);
    const withCheck = generateRuntimeTypes({
      rootDir: root,
      entry: path.join(root, 'runtime/index.ts'),
      notForCells: readNotForCells(engineFile),
      extraGlobals: extras.filter((g) => g.name === 'check'),
    });
    expect(withCheck.globals.text).toMatch(
      /Assertions for exercise checks[\s\S]*const check: Extra0;/,
    );
    const diagnostics = checkCells(withCheck, [
      "const [, n] = await check.receives(['total', _]);\ncheck.equal(n, 5, 'the total');",
      "await check.down(self(), 'normal', { within: 'soon' });",
    ]);
    expect(diagnostics.map((d) => d.cell)).toEqual([1]);
  }, 180_000);

  it('declares View with its doc comments, so a view module type-checks in a cell', () => {
    const withView = generateRuntimeTypes({
      rootDir: root,
      entry: path.join(root, 'runtime/index.ts'),
      notForCells: readNotForCells(engineFile),
      extraGlobals: engineExtraGlobals(engineFile).filter((g) => g.name === 'View'),
    });
    expect(withView.globals.text).toMatch(/const View: Extra0;/);
    expect(withView.files.map((f) => f.text).join('\n')).toMatch(
      /Runs `fn` in a task linked to the view/,
    );
    const diagnostics = checkCells(withView, [
      [
        'const Counter = {',
        '  mount: (_p: unknown, s: Socket) => View.assign(s, { n: 0 }),',
        '  handleEvent: (_e: string, _p: Record<string, string>, s: Socket) => View.assign(s, { n: s.assigns.n + 1 }),',
        "  render: (a: { n: number }) => View.h('button', { onClick: 'inc' }, 'Clicked ', a.n),",
        '};',
        'type Socket = Parameters<typeof View.assign>[0];',
        'const v = View.start(Counter);',
        "await View.click(v, 'inc');",
        'const shown: string = await View.text(v);',
        // Stream items written inline carry more than their id.
        "const withRows = (s: Socket) => View.streamInsert(s, 'rows', { id: 1, text: 'a' }, { at: 0 });",
      ].join('\n'),
      "View.click('not a view', 'inc');",
    ]);
    expect(diagnostics.map((d) => d.cell)).toEqual([1]);
  }, 180_000);
});

describe('cells type-checked against the generated declarations', { timeout: 60_000 }, () => {
  it('sees the runtime API as globals, with await at the top level', () => {
    const diagnostics = checkCells(types, [
      [
        'const pid = spawn(async () => {',
        '  const [from, n] = await receive();',
        '  send(from, n + 1);',
        '});',
        'Process.link(pid);',
        'send(pid, [self(), 1]);',
        'const reply = await receive();',
        'console.log(inspect(reply), Process.alive(pid));',
      ].join('\n'),
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('reports a type error in a cell', () => {
    const diagnostics = checkCells(types, ["const oops: number = 'text';"]);
    expect(diagnostics.map((d) => d.code)).toEqual([2322]);
  });

  it('types a name from another cell by its declaration, without "Cannot find name"', () => {
    const diagnostics = checkCells(types, [
      'const counter = spawn(() => 1);\nlet total = 0;\nfunction double(n: number) { return n * 2; }',
      'Process.alive(counter);\ntotal = double(total);',
      'const wrong: string = counter;',
    ]);
    expect(diagnostics.map((d) => [d.cell, d.code])).toEqual([[2, 2322]]);
    expect(diagnostics[0]?.message).toContain('Pid');
  });

  it('lets two cells declare the same name', () => {
    expect(checkCells(types, ['const x = 1;', 'const x = 2;\nx;'])).toEqual([]);
  });
});
