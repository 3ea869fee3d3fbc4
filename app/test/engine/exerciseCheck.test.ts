import * as esbuild from 'esbuild-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../../runtime/index';
import { sameTerm } from '../../engine/exerciseCheck';
import { NotebookEngine } from '../../engine/notebookEngine';

const transform = async (source: string) =>
  (await esbuild.transform(source, { loader: 'ts', format: 'esm', target: 'es2022' })).code;

/** Runs cells in order on a fresh virtual-time notebook; returns the last cell's run. */
async function runCells(...sources: string[]) {
  const runtime = createRuntime({ clock: 'virtual' });
  const engine = new NotebookEngine({ runtime, transform, onOutput: () => {} });
  try {
    let last = await engine.runCell('c0', sources[0]!);
    for (let i = 1; i < sources.length; i++) last = await engine.runCell(`c${i}`, sources[i]!);
    return last;
  } finally {
    runtime.shutdown();
  }
}

/** The message a failing check cell shows. */
async function failure(...sources: string[]): Promise<string> {
  const run = await runCells(...sources);
  if (run.status !== 'error') throw new Error(`expected the check to fail, got ${run.status}`);
  return run.message;
}

beforeAll(async () => {
  await transform('0');
}, 60_000);

describe('check.equal and check.matches', () => {
  it('passes for equal terms and names both sides, inspected, when they differ', async () => {
    expect(await runCells("check.equal(['ok', { n: 1 }], ['ok', { n: 1 }]); 'fine'")).toMatchObject(
      {
        status: 'ok',
        value: "'fine'",
      },
    );
    expect(await failure("check.equal(['ok', 2], ['ok', 3], 'the reply')")).toBe(
      "CheckFailed: the reply: expected ['ok', 3], got ['ok', 2]",
    );
  });

  it('matches receive-style patterns with wildcards and guards', async () => {
    expect(await runCells("check.matches(['ok', self()], ['ok', _]); 1")).toMatchObject({
      status: 'ok',
    });
    expect(await failure("check.matches(['count', 2], ['count', (n) => n > 5], 'the count')")).toBe(
      "CheckFailed: the count: expected something matching ['count', #Function<anonymous>], got ['count', 2]",
    );
  });

  it('says what should have held when check.ok fails, and refuses a missing message', async () => {
    expect(await failure("check.ok(1 > 2, 'the total should be above 2')")).toBe(
      'CheckFailed: the total should be above 2',
    );
    expect(await failure('(check.ok as any)(true)')).toMatch(/^ArgumentError: check\.ok/);
  });
});

describe('checks about processes', () => {
  it('tells a live process from one that has exited, by pid or by registered name', async () => {
    expect(
      await runCells(
        "const p = spawn(() => receive()); Process.register(p, 'keeper'); check.alive(p); check.alive('keeper'); 'alive'",
      ),
    ).toMatchObject({ status: 'ok', value: "'alive'" });
    expect(
      await failure("const q = spawn(() => 1); await sleep(1); check.alive(q, 'the worker')"),
    ).toBe('CheckFailed: expected the worker to be alive, but it has exited');
    expect(await failure("check.alive('nobody')")).toBe(
      "CheckFailed: expected the process registered as 'nobody' to be alive, but no process has that name",
    );
  });

  it('returns the message check.receives waited for, and lists the mailbox when none came', async () => {
    expect(
      await runCells(
        "send(self(), ['pong', 7]); const [, n] = await check.receives(['pong', _]); n",
      ),
    ).toMatchObject({ status: 'ok', value: '7' });
    expect(
      await failure(
        "send(self(), 'ping'); send(self(), ['pang', 1]); await check.receives(['pong', _], { within: 500 })",
      ),
    ).toBe(
      "CheckFailed: expected a message matching ['pong', _] within 500 ms; the mailbox had 2 messages: 'ping', ['pang', 1]",
    );
    expect(await failure("await check.receives('hello')")).toBe(
      "CheckFailed: expected a message matching 'hello' within 1 s; the mailbox was empty",
    );
  });

  it('waits for check.down and reports a wrong reason or a process that stays up', async () => {
    expect(
      await runCells(
        "const w = spawn(async () => { await sleep(300); }); await check.down(w, 'normal')",
      ),
    ).toMatchObject({ status: 'ok', value: "'normal'" });
    expect(
      await failure("const w = spawn(() => exit('boom')); await check.down(w, 'normal')"),
    ).toMatch(
      /^CheckFailed: expected #PID<0\.\d+\.0> to exit with reason 'normal', but it exited with reason 'boom'$/,
    );
    expect(
      await failure(
        "const w = spawn(() => receive()); send(self(), 'tick'); await check.down(w, 'normal')",
      ),
    ).toMatch(
      /^CheckFailed: expected #PID<0\.\d+\.0> to exit with reason 'normal' within 1 s, but it is still alive; the mailbox had 1 message: 'tick'$/,
    );
  });

  it('watches the process before its trigger runs, so an instant kill still reports killed', async () => {
    const guard =
      "const g = spawn(async () => { Process.flag('trap_exit', true); while (true) await receive(); }); await sleep(1);";
    expect(
      await runCells(
        `${guard} await check.down(g, 'killed', { trigger: () => Process.exit(g, 'kill') })`,
      ),
    ).toMatchObject({ status: 'ok', value: "'killed'" });
    expect(
      await failure(
        `${guard} await check.down(g, 'killed', { within: 200, trigger: async () => { await sleep(5); Process.exit(g, 'shutdown'); } })`,
      ),
    ).toMatch(
      /to exit with reason 'killed' within 200 ms, but it is still alive; the mailbox was empty$/,
    );
  });

  it('leaves no monitor message behind when check.down gives up', async () => {
    const run = await runCells(
      'const w = spawn(() => receive()); await catchExit(check.down(w, _, { within: 10 })).catch(() => 0)',
      "Process.exit(w, 'kill'); await sleep(5); Process.info(self(), 'messages')",
    );
    expect(run).toMatchObject({ status: 'ok', value: "['messages', []]" });
  });

  it('says when a process had already exited before check.down looked', async () => {
    expect(
      await failure("const w = spawn(() => 1); await sleep(1); await check.down(w, 'normal')"),
    ).toMatch(/had already exited before the check looked/);
  });
});

describe('checks about errors and exits', () => {
  it('returns the error check.throws expected, and fails when nothing was thrown', async () => {
    expect(
      await runCells(
        "const e = await check.throws(() => { throw new Error('bad input') }, 'bad'); e.message",
      ),
    ).toMatchObject({ status: 'ok', value: "'bad input'" });
    expect(await failure('await check.throws(() => 1, undefined, \'parse("")\')')).toBe(
      'CheckFailed: expected parse("") to throw, but it returned normally',
    );
    expect(await failure("await check.throws(() => { throw new Error('nope') }, /bad/)")).toBe(
      "CheckFailed: expected the function to throw an error with /bad/ in its message, but it threw Error('nope')",
    );
  });

  it('waits for an async function given to check.throws and carries on in the same process', async () => {
    expect(
      await runCells(
        "const e = await check.throws(async () => { await sleep(10); throw new Error('late'); }); const m = await check.receives(_, { within: 0 }).catch((f) => f.name); [e.message, m]",
      ),
    ).toMatchObject({ status: 'ok', value: "['late', 'CheckFailed']" });
  });

  it('catches an exit of the caller with check.exits and compares its reason', async () => {
    expect(
      await runCells(
        "const dead = spawn(() => 1); await sleep(1); await check.exits(() => GenServer.call(dead, 'hi'), ['noproc', _])",
      ),
    ).toMatchObject({ status: 'ok' });
    expect(await failure("await check.exits(async () => exit('boom'), 'normal', 'the stop')")).toBe(
      "CheckFailed: expected the stop to exit the caller with reason 'normal', but the reason was 'boom'",
    );
  });
});

describe('sameTerm', () => {
  it('compares data by content and pids by identity', async () => {
    expect(sameTerm(new Map([['a', [1]]]), new Map([['a', [1]]]))).toBe(true);
    expect(sameTerm(new Set([1, 2]), new Set([2, 1]))).toBe(true);
    expect(sameTerm({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameTerm([1, [2]], [1, [3]])).toBe(false);
    expect(sameTerm(NaN, NaN)).toBe(true);
    const run = await runCells(
      'const a = spawn(() => 1); const b = spawn(() => 1); [check.equal(a, a), a === b]',
    );
    expect(run).toMatchObject({ status: 'ok', value: '[undefined, false]' });
  });
});
