import * as esbuild from 'esbuild-wasm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createRuntime } from '../../../runtime/index';
import { NotebookEngine } from '../../engine/notebookEngine';
import type { RichOutput, TreeOutput } from '../../engine/richOutput';
import { checkRichOutput } from '../../engine/richOutput';
import type { TreeNode } from '../../panels/model/supervisionTree';

const transform = async (source: string) =>
  (await esbuild.transform(source, { loader: 'ts', format: 'esm', target: 'es2022' })).code;

type Item =
  | { cellId: string; kind: 'text'; stream: string; text: string }
  | { cellId: string; kind: 'rich'; output: RichOutput };

/** A virtual-time notebook that records text and rich outputs in one list, in arrival order. */
function notebook() {
  const runtime = createRuntime({ clock: 'virtual' });
  const items: Item[] = [];
  const engine = new NotebookEngine({
    runtime,
    transform,
    onOutput: ({ cellId, stream, text }) => items.push({ cellId, kind: 'text', stream, text }),
    onRich: ({ cellId, output }) => {
      expect(checkRichOutput(output)).toBeNull();
      items.push({ cellId, kind: 'rich', output });
    },
  });
  const rich = (cellId?: string) =>
    items.flatMap((item) =>
      item.kind === 'rich' && (cellId === undefined || item.cellId === cellId) ? [item.output] : [],
    );
  /** What the page would show: text joined, rich outputs replaced in place by id. */
  const shown = (cellId: string) => {
    const out: (string | RichOutput)[] = [];
    for (const item of items) {
      if (item.cellId !== cellId) continue;
      if (item.kind === 'text') out.push(item.text);
      else {
        const at = out.findIndex((o) => typeof o !== 'string' && o.id === item.output.id);
        if (at >= 0) out[at] = item.output;
        else out.push(item.output);
      }
    }
    return out;
  };
  const settle = async (ms: number) => {
    await runtime.run(() => RuntimeSleep(ms));
  };
  return { engine, runtime, items, rich, shown, settle };
}

async function RuntimeSleep(ms: number) {
  const { sleep } = await import('../../../runtime/index');
  await sleep(ms);
}

function findPid(node: TreeNode | null, pid: string): TreeNode | null {
  if (!node) return null;
  if (node.pidText === pid) return node;
  for (const child of node.children) {
    const found = findPid(child, pid);
    if (found) return found;
  }
  return null;
}

beforeAll(async () => {
  await transform('const warm = 1;');
}, 60_000);

describe('static outputs', () => {
  it('records markdown, tables and mermaid in order with the text around them', async () => {
    const { engine, shown } = notebook();
    const run = await engine.runCell(
      'a',
      `IO.puts('before');
       viz.markdown('# Title');
       IO.puts('between');
       viz.table([{ name: 'ada', age: 36 }, { name: 'alan', pid: self() }]);
       viz.mermaid('graph TD; A-->B');
       IO.puts('after');`,
    );
    expect(run.status).toBe('ok');
    const items = shown('a');
    expect(items.map((o) => (typeof o === 'string' ? o : o.kind))).toEqual([
      'before\n',
      'markdown',
      'between\n',
      'table',
      'mermaid',
      'after\n',
    ]);
    const table = items[3] as Extract<RichOutput, { kind: 'table' }>;
    expect(table.columns).toEqual(['name', 'age', 'pid']);
    expect(table.rows[0]).toEqual(['ada', '36', '']);
    expect(table.rows[1]![2]).toMatch(/^#PID<0\.\d+\.0>$/);
  });

  it('shows no value for a viz call as the last expression, and a value otherwise', async () => {
    const { engine } = notebook();
    expect(await engine.runCell('a', "viz.markdown('hi')")).toMatchObject({
      status: 'ok',
      value: null,
    });
    expect(await engine.runCell('b', "viz.markdown('hi'); 42")).toMatchObject({ value: '42' });
  });

  it('puts the rich output of a spawned process under the cell that started it, also later', async () => {
    const { engine, rich, settle } = notebook();
    await engine.runCell(
      'a',
      "const kid = spawn(async () => { await receive('go'); viz.markdown('from the child'); });",
    );
    await engine.runCell('c', "send(kid, 'go')");
    await settle(10);
    expect(rich('a')).toMatchObject([{ kind: 'markdown', markdown: 'from the child' }]);
    expect(rich('c')).toEqual([]);
  });

  it('caps the rows of a table and counts the rest', async () => {
    const { engine, rich } = notebook();
    await engine.runCell(
      'a',
      'viz.table(Array.from({ length: 250 }, (_, i) => [i, i * i]), { columns: ["n", "square"] })',
    );
    const [table] = rich('a') as Extract<RichOutput, { kind: 'table' }>[];
    expect(table!.columns).toEqual(['n', 'square']);
    expect(table!.rows).toHaveLength(100);
    expect(table!.rows[99]).toEqual(['99', '9801']);
    expect(table!.totalRows).toBe(250);
  });

  it('caps the outputs one run of a cell may add, with one notice, and starts again on a re-run', async () => {
    const { engine, rich } = notebook();
    await engine.runCell('a', 'for (let i = 0; i < 150; i++) viz.markdown(`line ${i}`);');
    const outputs = rich('a');
    expect(outputs.filter((o) => o.kind === 'markdown')).toHaveLength(100);
    expect(outputs.filter((o) => o.kind === 'notice')).toHaveLength(1);
    expect(outputs.at(-1)).toMatchObject({
      kind: 'notice',
      text: expect.stringMatching(/more than 100/),
    });
    await engine.runCell('a', "viz.markdown('again')");
    expect(rich('a').at(-1)).toMatchObject({ kind: 'markdown', markdown: 'again' });
  });

  it('replaces an output that is too large with a notice under the same id', async () => {
    const { engine, rich } = notebook();
    await engine.runCell('a', "viz.markdown('x'.repeat(300_000), { id: 'big' })");
    expect(rich('a')).toEqual([
      { kind: 'notice', id: 'big', text: expect.stringMatching(/too large to show/) },
    ]);
  });

  it('gives a clear ArgumentError for bad arguments', async () => {
    const { engine } = notebook();
    const cases: [string, RegExp][] = [
      ['viz.markdown(42)', /ArgumentError: viz.markdown expects Markdown text/],
      ["viz.table('nope')", /ArgumentError: viz.table expects an array of rows/],
      ["viz.mermaid('')", /ArgumentError: viz.mermaid expects/],
      ["viz.tree('nobody')", /ArgumentError: viz.tree: no process is registered as 'nobody'/],
      ['viz.tree(42)', /ArgumentError: viz.tree: the root should be a pid or a registered name/],
      ['viz.animate(1, () => "x")', /ArgumentError: viz.animate: ms should be/],
      ['viz.animate(100, "x")', /ArgumentError: viz.animate expects a function/],
      ['await viz.seqTrace(5)', /ArgumentError: viz.seqTrace expects a function/],
      ["viz.button('')", /ArgumentError: viz.button expects a label/],
      ["viz.select('pick', [])", /ArgumentError: viz.select expects its options/],
      ['viz.table([], { limit: 0 })', /ArgumentError: viz.table: limit should be/],
    ];
    for (const [source, message] of cases) {
      const run = await engine.runCell('a', source);
      expect(run.status, source).toBe('error');
      expect(run.status === 'error' && run.message, source).toMatch(message);
    }
  });
});

describe('viz.tree', () => {
  const SUPERVISED = `
    const Worker = GenServer.define({ init: (n: number) => ['ok', n], handleCall: (_r: unknown, _f: unknown, s: number) => ['reply', s, s] });
    const [, sup] = await Supervisor.startLink([
      { id: 'a', start: [Worker, 'startLink', [1]] },
      { id: 'b', start: [Worker, 'startLink', [2]] },
    ], { strategy: 'one_for_one' });
  `;

  it('draws a snapshot of the supervision tree and shows a restart after it', async () => {
    const { engine, rich, settle } = notebook();
    await engine.runCell('a', SUPERVISED);
    await engine.runCell('b', 'viz.tree(sup)');
    const [before] = rich('b') as TreeOutput[];
    expect(before!.root!.kind).toBe('supervisor');
    expect(before!.root!.children.map((c) => c.childId)).toEqual(["'a'", "'b'"]);
    await engine.runCell(
      'c',
      "const first = (await Supervisor.whichChildren(sup)).find((row) => row[0] === 'a')[1]; Process.exit(first, 'kill');",
    );
    await settle(10);
    await engine.runCell('d', 'viz.tree(sup)');
    const [after] = rich('d') as TreeOutput[];
    const child = after!.root!.children.find((c) => c.childId === "'a'")!;
    expect(child.restarts).toBe(1);
    expect(child.pidText).not.toBe(before!.root!.children[0]!.pidText);
    expect(child.status).toBe('running');
  });

  it('keeps a live tree updating under the same id, and stops it when the cell runs again', async () => {
    const { engine, rich, settle } = notebook();
    await engine.runCell('a', SUPERVISED);
    await engine.runCell('b', 'viz.tree(sup, { live: true })');
    const first = rich('b') as TreeOutput[];
    expect(first).toHaveLength(1);
    expect(first[0]!.live).toBe(true);
    await engine.runCell(
      'c',
      "Supervisor.startChild(sup, { id: 'c', start: [Worker, 'startLink', [3]] })",
    );
    await settle(1000);
    const updates = rich('b') as TreeOutput[];
    expect(updates.length).toBeGreaterThan(1);
    expect(new Set(updates.map((o) => o.id)).size).toBe(1);
    expect(updates.at(-1)!.root!.children.map((c) => c.childId)).toEqual(["'a'", "'b'", "'c'"]);
    await engine.runCell('b', "IO.puts('re-run')");
    const count = rich('b').length;
    await engine.runCell('c2', "Supervisor.terminateChild(sup, 'c')");
    await settle(1000);
    expect(rich('b')).toHaveLength(count);
  });

  it('says when the process is not alive', async () => {
    const { engine, rich, settle } = notebook();
    await engine.runCell('a', 'const gone = spawn(() => {});');
    await settle(1);
    await engine.runCell('b', 'viz.tree(gone)');
    expect(rich('b')[0]).toMatchObject({
      kind: 'tree',
      root: null,
      note: expect.stringMatching(/not alive/),
    });
  });

  it('draws a process with no supervisor and no links as a single node', async () => {
    const { engine, rich } = notebook();
    await engine.runCell('a', "const lone = spawn(() => receive('never')); viz.tree(lone)");
    const [tree] = rich('a') as TreeOutput[];
    expect(tree!.root).toMatchObject({ kind: 'process', children: [] });
    expect(findPid(tree!.root, tree!.pidText)).not.toBeNull();
  });
});

describe('viz.seqTrace', () => {
  it('returns the function result and draws CALL, CAST, SPAWN and DOWN between the processes involved', async () => {
    const { engine, rich } = notebook();
    await engine.runCell(
      'a',
      `const Counter = GenServer.define({
         init: (n: number) => ['ok', n],
         handleCall: (_r: unknown, _f: unknown, n: number) => ['reply', n, n],
         handleCast: (_r: unknown, n: number) => ['noreply', n + 1],
       });`,
    );
    const run = await engine.runCell(
      'b',
      `await viz.seqTrace(async () => {
         const [, c] = await GenServer.start(Counter, 1, { name: 'counter' });
         GenServer.cast(c, 'inc');
         const n = await GenServer.call(c, 'get');
         const [pid] = spawnMonitor(() => {});
         await receive(['DOWN', _, 'process', pid, _]);
         return n;
       })`,
    );
    expect(run).toMatchObject({ status: 'ok', value: '2' });
    const [trace] = rich('b') as Extract<RichOutput, { kind: 'sequence' }>[];
    const labels = new Set(trace!.items.map((item) => item.label));
    for (const label of ['SPAWN', 'CAST', 'CALL', 'REPLY', 'DOWN', 'EXIT']) {
      expect(labels, label).toContain(label);
    }
    expect(trace!.mermaid).toMatch(/^sequenceDiagram/);
    expect(trace!.mermaid).toContain('participant');
    expect(trace!.mermaid).toContain('as counter');
    expect(trace!.participants.some((p) => p.title === 'counter')).toBe(true);
  });

  it('names lifelines after processes registered before tracing started', async () => {
    const { engine, rich } = notebook();
    await engine.runCell(
      'a',
      "Process.register(spawn(async () => { while (true) { const m = await receive(); send(m[0], 'pong'); } }), 'ponger');",
    );
    await engine.runCell(
      'b',
      "await viz.seqTrace(async () => { send('ponger', [self(), 'ping']); await receive('pong'); })",
    );
    const [trace] = rich('b') as Extract<RichOutput, { kind: 'sequence' }>[];
    expect(trace!.participants.map((p) => p.title)).toContain('ponger');
    expect(trace!.mermaid).toContain('as ponger');
  });

  it('keeps only messages between the given pids', async () => {
    const { engine, rich } = notebook();
    await engine.runCell(
      'a',
      `const echo = spawn(async () => { while (true) { const m = await receive(); send(m[0], m[1]); } });
       const other = spawn(async () => { while (true) { await receive(); } });`,
    );
    await engine.runCell(
      'b',
      `await viz.seqTrace(async () => {
         send(other, 'noise');
         send(echo, [self(), 'hi']);
         await receive('hi');
       }, { pids: [echo, self()] })`,
    );
    const [trace] = rich('b') as Extract<RichOutput, { kind: 'sequence' }>[];
    const texts = trace!.items.map((i) => i.type === 'message' && i.text);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/^\[#PID<0\.\d+\.0>, 'hi'\]$/);
    expect(texts[1]).toBe("'hi'");
    expect(trace!.mermaid).not.toContain('noise');
  });

  it('stops tracing when the cell is stopped while the function waits', async () => {
    const { engine, runtime } = notebook();
    const run = engine.runCell('a', "await viz.seqTrace(() => receive('never'))");
    await vi.waitFor(() => expect(runtime.trace.active).toBe(true), { timeout: 10_000 });
    engine.cancel();
    await expect(run).resolves.toMatchObject({ status: 'exit' });
    expect(runtime.trace.active).toBe(false);
  });

  it('draws the trace and rethrows when the function throws', async () => {
    const { engine, rich } = notebook();
    const run = await engine.runCell(
      'a',
      "await viz.seqTrace(() => { send(self(), 'x'); throw new Error('boom'); })",
    );
    expect(run).toMatchObject({ status: 'error', message: 'Error: boom' });
    expect(rich('a')).toHaveLength(1);
    expect(rich('a')[0]!.kind).toBe('sequence');
  });
});

describe('viz.animate', () => {
  it('replaces one frame in place until the function returns null, and returns the animator pid', async () => {
    const { engine, rich, shown, settle } = notebook();
    const run = await engine.runCell('a', 'viz.animate(100, (i) => (i < 5 ? `frame ${i}` : null))');
    expect(run.status === 'ok' && run.value).toMatch(/^#PID</);
    await settle(2000);
    const frames = rich('a') as Extract<RichOutput, { kind: 'frame' }>[];
    expect(
      frames
        .map((f) => f.state === 'running' && f.content.kind === 'text' && f.content.text)
        .filter(Boolean),
    ).toEqual(['frame 0', 'frame 1', 'frame 2', 'frame 3', 'frame 4']);
    const page = shown('a');
    expect(page).toHaveLength(1);
    expect(page[0]).toMatchObject({
      kind: 'frame',
      state: 'stopped',
      index: 4,
      note: 'Stopped after 5 frames.',
    });
  });

  it('builds frames from viz outputs without drawing them separately', async () => {
    const { engine, shown, settle } = notebook();
    await engine.runCell(
      'a',
      "viz.animate(50, (i) => i < 3 ? viz.table([[i, i * 2]], { columns: ['i', 'double'] }) : null)",
    );
    await settle(500);
    const page = shown('a');
    expect(page).toHaveLength(1);
    expect(page[0]).toMatchObject({
      kind: 'frame',
      content: { kind: 'table', rows: [['2', '4']] },
    });
  });

  it('stops at the frame limit, on an error in the frame function, and when the cell runs again', async () => {
    const { engine, shown, rich, settle } = notebook();
    await engine.runCell('a', 'viz.animate(20, (i) => String(i), { frames: 3 })');
    await engine.runCell(
      'b',
      "viz.animate(20, (i) => { if (i === 2) throw new Error('bad frame'); return String(i); })",
    );
    await engine.runCell('c', 'viz.animate(20, (i) => String(i))');
    await settle(200);
    expect(shown('a')[0]).toMatchObject({
      state: 'stopped',
      note: expect.stringMatching(/after 3 frames/),
    });
    expect(shown('b')[0]).toMatchObject({
      state: 'stopped',
      note: expect.stringMatching(/frame 2 threw Error: bad frame/),
    });
    expect(rich('c').length).toBeGreaterThan(3);
    await engine.runCell('c', "'re-run'");
    const before = rich('c').length;
    await settle(200);
    expect(rich('c')).toHaveLength(before);
  });

  it('shows why the animator stopped when it is killed', async () => {
    const { engine, shown, settle } = notebook();
    await engine.runCell('a', 'const animator = viz.animate(20, (i) => String(i));');
    await settle(50);
    await engine.runCell('b', "Process.exit(animator, 'kill')");
    await settle(50);
    expect(shown('a')[0]).toMatchObject({
      state: 'stopped',
      note: expect.stringMatching(/killed/),
    });
  });
});

describe('widgets', () => {
  it('delivers clicks, inputs and choices as messages to self() by default', async () => {
    const { engine, rich, runtime } = notebook();
    await engine.runCell(
      'a',
      "const go = viz.button('Go'); const name = viz.input('Name', { initial: 'ada' }); const pick = viz.select('Colour', ['red', 'blue']);",
    );
    const [button, input, select] = rich('a');
    expect(button).toMatchObject({ kind: 'button', label: 'Go' });
    expect(input).toMatchObject({ kind: 'input', label: 'Name', initial: 'ada' });
    expect(select).toMatchObject({ kind: 'select', options: ['red', 'blue'], initial: 'red' });
    expect(engine.widgetEvent('a', button!.id, null)).toBe(true);
    expect(engine.widgetEvent('a', input!.id, 'grace')).toBe(true);
    expect(engine.widgetEvent('a', select!.id, 'blue')).toBe(true);
    const run = await engine.runCell(
      'b',
      '[await receive(), await receive(), await receive(), go]',
    );
    expect(run).toMatchObject({
      status: 'ok',
      value: `[['click', '${button!.id}'], ['input', '${input!.id}', 'grace'], ['select', '${select!.id}', 'blue'], '${button!.id}']`,
    });
    expect(runtime.processCount).toBeGreaterThan(0);
  });

  it('sends a button click to another process, with its own message', async () => {
    const { engine, items, settle } = notebook();
    await engine.runCell(
      'a',
      `const printer = spawn(async () => { while (true) { IO.puts(inspect(await receive())); } });
       const b = viz.button('Ping', { to: printer, message: ['ping', 1] });`,
    );
    const button = items.find((i) => i.kind === 'rich')!;
    engine.widgetEvent('a', (button as { output: RichOutput }).output.id, null);
    await settle(5);
    expect(items.filter((i) => i.kind === 'text').map((i) => (i as { text: string }).text)).toEqual(
      ["['ping', 1]\n"],
    );
  });

  it('ignores events of widgets from an earlier run of the cell, and tells when the process is gone', async () => {
    const { engine, rich, settle } = notebook();
    await engine.runCell('a', "const t = spawn(() => {}); viz.button('Old', { to: t })");
    const old = rich('a')[0]!;
    await settle(1);
    expect(engine.widgetEvent('a', old.id, null)).toBe(true);
    expect(rich('a').at(-1)).toMatchObject({
      kind: 'notice',
      text: expect.stringMatching(/not alive/),
    });
    await engine.runCell('a', "'again'");
    expect(engine.widgetEvent('a', old.id, null)).toBe(false);
    expect(engine.widgetEvent('b', 'button-999', null)).toBe(false);
  });
});
