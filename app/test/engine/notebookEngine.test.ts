import * as esbuild from 'esbuild-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../../runtime/index';
import type { OutputChunk } from '../../engine/protocol';
import { NotebookEngine } from '../../engine/notebookEngine';

const transform = async (source: string) =>
  (await esbuild.transform(source, { loader: 'ts', format: 'esm', target: 'es2022' })).code;

function notebook(options: { runawayMs?: number } = {}) {
  const runtime = createRuntime({ clock: 'virtual', runawayMs: options.runawayMs ?? 2000 });
  const outputs: OutputChunk[] = [];
  const engine = new NotebookEngine({
    runtime,
    transform,
    onOutput: (o) => outputs.push(o),
    outputLimit: 2000,
  });
  const textOf = (cellId: string) =>
    outputs
      .filter((o) => o.cellId === cellId)
      .map((o) => o.text)
      .join('');
  return { engine, runtime, outputs, textOf };
}

// esbuild-wasm's first start can take seconds on a loaded machine; no test should pay for it.
beforeAll(async () => {
  await transform('0');
}, 60_000);

describe('running cells', () => {
  it('shows the value of the last expression, inspected', async () => {
    const { engine } = notebook();
    expect(await engine.runCell('a', 'const n: number = 20;\nn + 22')).toMatchObject({
      status: 'ok',
      value: '42',
    });
    expect(await engine.runCell('b', "['ok', { count: 1 }]")).toMatchObject({
      status: 'ok',
      value: "['ok', { count: 1 }]",
    });
    expect(await engine.runCell('c', 'const quiet = 1;')).toMatchObject({
      status: 'ok',
      value: null,
    });
  });

  it('shares top-level bindings with later cells and rebinds them when a cell re-runs', async () => {
    const { engine } = notebook();
    await engine.runCell(
      'a',
      'const greeting = "hello"; function shout(s: string) { return s.toUpperCase(); }',
    );
    expect(await engine.runCell('b', 'shout(greeting)')).toMatchObject({ value: "'HELLO'" });
    await engine.runCell(
      'a',
      'const greeting = "bye"; function shout(s: string) { return s + "!"; }',
    );
    expect(await engine.runCell('b', 'shout(greeting)')).toMatchObject({ value: "'bye!'" });
  });

  it('keeps const bindings constant and writes back reassigned let bindings', async () => {
    const { engine } = notebook();
    await engine.runCell('a', 'const fixed = 1; let counter = 1;');
    const assign = await engine.runCell('b', 'fixed = 2');
    expect(assign.status).toBe('error');
    await engine.runCell('c', 'counter = counter + 1');
    expect(await engine.runCell('d', 'counter')).toMatchObject({ value: '2' });
  });

  it('supports top-level await and destructured declarations', async () => {
    const { engine } = notebook();
    await engine.runCell(
      'a',
      'const [first, { second }] = await Promise.resolve([1, { second: 2 }]);',
    );
    expect(await engine.runCell('b', 'first + second')).toMatchObject({ value: '3' });
  });

  it('reports compile errors at the cell line and column', async () => {
    const { engine } = notebook();
    const run = await engine.runCell('a', 'const ok = 1;\nconst broken = ;');
    expect(run.status).toBe('compile_error');
    if (run.status === 'compile_error') {
      expect(run.error.line).toBe(2);
      expect(run.error.column).toBe(15);
    }
    const imports = await engine.runCell('b', "import x from 'y';");
    expect(imports).toMatchObject({
      status: 'compile_error',
      error: { message: expect.stringMatching(/cannot import/) },
    });
  });

  it('reports a thrown error and keeps the same evaluator', async () => {
    const { engine } = notebook();
    const before = await engine.runCell('a', 'self()');
    const thrown = await engine.runCell('b', 'throw new TypeError("nope")');
    expect(thrown).toMatchObject({ status: 'error', message: 'TypeError: nope' });
    const after = await engine.runCell('c', 'self()');
    expect(after).toMatchObject({ value: (before as { value: string }).value });
  });
});

describe('the evaluator process', () => {
  it('is self() in every cell, so a message sent in one cell is in the mailbox in the next', async () => {
    const { engine } = notebook();
    await engine.runCell('a', "send(self(), 'hello from cell a')");
    expect(await engine.runCell('b', 'await receive()')).toMatchObject({
      value: "'hello from cell a'",
    });
  });

  it('when it crashes, the cell shows why and the next cell gets a fresh evaluator', async () => {
    const { engine } = notebook();
    const first = (await engine.runCell('a', 'self()')) as { value: string };
    const crashed = await engine.runCell('b', "spawnLink(() => exit('boom')); await sleep(10);");
    expect(crashed).toMatchObject({ status: 'exit', reason: "'boom'" });
    const second = (await engine.runCell('c', 'self()')) as { value: string };
    expect(second.value).not.toBe(first.value);
    expect(await engine.runCell('d', "exit('normal')")).toMatchObject({
      status: 'exit',
      reason: "'normal'",
    });
  });
});

describe('a receive the cell did not await', () => {
  const slowServer = `const Slow = GenServer.define({
  init: (n: number) => ['ok', n],
  handleCall: async (_req: unknown, _from: unknown, n: number) => {
    await sleep(100);
    return ['reply', n, n];
  },
});
const [, srv] = (await GenServer.start(Slow, 7)) as ['ok', Pid];
const before = self();`;

  it('is dropped with a warning when the cell throws, and the evaluator survives', async () => {
    const { engine, textOf } = notebook();
    expect(await engine.runCell('a', slowServer)).toMatchObject({ status: 'ok' });
    expect(
      await engine.runCell('b', "GenServer.call(srv, 'get');\nthrow new Error('oops');"),
    ).toMatchObject({ status: 'error', message: 'Error: oops' });
    expect(textOf('b')).toContain('without await');
    expect(await engine.runCell('c', 'self() === before')).toMatchObject({ value: 'true' });
    expect(await engine.runCell('d', "await GenServer.call(srv, 'get')")).toMatchObject({
      value: '7',
    });
  });

  it('is dropped with a warning when the cell ends normally', async () => {
    const { engine, textOf } = notebook();
    await engine.runCell('a', slowServer);
    expect(await engine.runCell('b', "GenServer.call(srv, 'get');\n'sent'")).toMatchObject({
      status: 'ok',
      value: "'sent'",
    });
    expect(textOf('b')).toContain('without await');
    expect(await engine.runCell('c', 'self() === before')).toMatchObject({ value: 'true' });
  });
});

describe('output routing', () => {
  it('sends a spawned process output to the cell that spawned it, even after the cell finished', async () => {
    const { engine, textOf } = notebook();
    await engine.runCell(
      'a',
      "const late = spawn(async () => { await receive('go'); IO.puts('late from a'); }); IO.puts('now');",
    );
    expect(textOf('a')).toBe('now\n');
    await engine.runCell('b', "console.log('b says', { n: 1 }); send(late, 'go'); await sleep(1);");
    expect(textOf('a')).toBe('now\nlate from a\n');
    expect(textOf('b')).toBe('b says { n: 1 }\n');
  });

  it('keeps stdout and stderr apart and logs crash reports to the cell', async () => {
    const { engine, outputs } = notebook();
    await engine.runCell(
      'a',
      "IO.puts('out'); IO.warn('careful'); spawn(() => { throw new Error('crash'); }); await sleep(1);",
    );
    expect(outputs.filter((o) => o.stream === 'stdout').map((o) => o.text)).toEqual(['out\n']);
    const errors = outputs
      .filter((o) => o.stream === 'stderr')
      .map((o) => o.text)
      .join('');
    expect(errors).toMatch(/warning: careful/);
    expect(errors).toMatch(/raised an exception\n\*\* \(Error\) crash/);
  });

  it('truncates a flood of output with one notice', async () => {
    const { engine, textOf } = notebook();
    await engine.runCell('a', "for (let i = 0; i < 10000; i++) IO.puts('line ' + i);");
    const text = textOf('a');
    expect(text.length).toBeLessThan(2200);
    expect(text.match(/output truncated/g)).toHaveLength(1);
  });
});

describe('stopping', () => {
  it('the loop guard stops a runaway loop in a spawned process; bindings and other processes survive', async () => {
    const { engine, textOf } = notebook({ runawayMs: 100 });
    await engine.runCell(
      'a',
      'const keeper = spawn(async () => { for (;;) { const [from, m] = await receive(); send(from, m); } });',
    );
    await engine.runCell(
      'b',
      'const runaway = spawn(() => { while (true) {} }); const ref = Process.monitor(runaway);',
    );
    const down = await engine.runCell('c', "(await receive(['DOWN', ref, _, _, _]))[4]");
    expect(down).toMatchObject({ value: "'killed'" });
    expect(textOf('b')).toMatch(/stopped by the loop guard/);
    const echo = await engine.runCell('d', "send(keeper, [self(), 'alive']); await receive()");
    expect(echo).toMatchObject({ value: "'alive'" });
  });

  it('the loop guard stops a runaway cell, and the next cell runs', async () => {
    const { engine } = notebook({ runawayMs: 100 });
    await engine.runCell('a', 'const kept = 7;');
    expect(await engine.runCell('b', 'while (true) {}')).toMatchObject({
      status: 'exit',
      reason: "'killed'",
    });
    expect(await engine.runCell('c', 'kept * 6')).toMatchObject({ value: '42' });
  });

  it('cancel kills a cell stuck waiting and the next cell runs', async () => {
    const { engine } = notebook();
    const stuck = engine.runCell('a', "await receive('never')");
    await new Promise((r) => setTimeout(r, 20));
    engine.cancel();
    expect(await stuck).toMatchObject({ status: 'exit', reason: "'killed'" });
    expect(await engine.runCell('b', '1 + 1')).toMatchObject({ value: '2' });
  });

  it('cancel while a cell compiles stops it before it starts', async () => {
    const { engine } = notebook();
    const stuck = engine.runCell('a', "await receive('never')");
    engine.cancel();
    expect(await stuck).toMatchObject({ status: 'exit', reason: "'killed'" });
    expect(await engine.runCell('b', '1 + 1')).toMatchObject({ value: '2' });
  });
});
