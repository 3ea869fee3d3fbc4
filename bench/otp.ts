/**
 * Behaviour benchmarks (Node): what the OTP layer costs on top of raw messages. Prints figures;
 * no assertions. Run by run.mjs after the Savina suite.
 *
 * - GenServer.call round trips against raw send/receive round trips;
 * - GenServer.cast throughput against raw send throughput;
 * - supervisor restart latency: kill a child, wait until its replacement is registered;
 * - Registry lookup and dispatch with 100k entries;
 * - Task.asyncStream overhead per item, against a plain loop over the same work.
 */
import type { Pid } from '../runtime/index';
import {
  GenServer,
  Process,
  Registry,
  Supervisor,
  Task,
  createRuntime,
  receive,
  self,
  send,
  spawn,
} from '../runtime/index';

const scale = Number(process.argv[2] ?? 1);
const n = (count: number) => Math.max(10, Math.round(count * scale));
const out = (line: string) => process.stdout.write(`${line}\n`);
const rate = (count: number, ms: number) => {
  const perSecond = (count / ms) * 1000;
  return perSecond >= 1e6
    ? `${(perSecond / 1e6).toFixed(2)} M/s`
    : `${(perSecond / 1e3).toFixed(1)} k/s`;
};
const micros = (ms: number, count: number) => `${((ms * 1000) / count).toFixed(2)} µs`;

/** Runs `body` in a fresh real-clock runtime and returns the wall time of its timed part. */
async function timed(body: (mark: () => void) => Promise<void>): Promise<number> {
  const rt = createRuntime({ clock: 'real' });
  let start = 0;
  await rt.run(() => body(() => (start = performance.now())));
  const ms = performance.now() - start;
  rt.shutdown();
  return ms;
}

/** Best of three, after one warm-up run. */
async function best(body: (mark: () => void) => Promise<void>): Promise<number> {
  await timed(body);
  let min = Infinity;
  for (let i = 0; i < 3; i++) min = Math.min(min, await timed(body));
  return min;
}

const Echo = GenServer.define({
  handleCall: (request: unknown, _from: unknown, state: null) => ['reply', request, state],
  handleCast: (_request: unknown, state: number) => ['noreply', state + 1],
  init: () => ['ok', 0],
});

out('Behaviours (Node, real clock, best of 3)');

const calls = n(40_000);
const raw = await best(async (mark) => {
  const me = self();
  const echo = spawn(async () => {
    for (;;) {
      const [from, m] = await receive();
      send(from as Pid, m);
    }
  });
  mark();
  for (let i = 0; i < calls; i++) {
    send(echo, [me, i]);
    await receive();
  }
});
const viaCall = await best(async (mark) => {
  const [, pid] = (await GenServer.start(Echo)) as ['ok', Pid];
  mark();
  for (let i = 0; i < calls; i++) await GenServer.call(pid, i);
});
out(`  raw send/receive round trips   ${rate(calls, raw).padStart(10)}`);
out(
  `  GenServer.call round trips     ${rate(calls, viaCall).padStart(10)}   raw / call = ${(viaCall / raw).toFixed(2)}x`,
);

const casts = n(200_000);
const rawSends = await best(async (mark) => {
  const me = self();
  const sink = spawn(async () => {
    for (let i = 0; i < casts; i++) await receive();
    send(me, 'done');
  });
  mark();
  for (let i = 0; i < casts; i++) {
    send(sink, i);
    if (i % 1000 === 0) await Process.yield();
  }
  await receive('done');
});
const viaCast = await best(async (mark) => {
  const [, pid] = (await GenServer.start(Echo)) as ['ok', Pid];
  mark();
  for (let i = 0; i < casts; i++) {
    GenServer.cast(pid, i);
    if (i % 1000 === 0) await Process.yield();
  }
  await GenServer.call(pid, 'sync');
});
out(`  raw send throughput            ${rate(casts, rawSends).padStart(10)}`);
out(
  `  GenServer.cast throughput      ${rate(casts, viaCast).padStart(10)}   raw / cast = ${(viaCast / rawSends).toFixed(2)}x`,
);

const restarts = n(2_000);
const restartMs = await best(async (mark) => {
  const Worker = GenServer.define({ init: () => ['ok', null] });
  await Supervisor.startLink(
    [{ id: 'worker', start: [Worker, 'startLink', [null, { name: 'worker' }]] }],
    { strategy: 'one_for_one', maxRestarts: restarts * 2, maxSeconds: 5 },
  );
  mark();
  for (let i = 0; i < restarts; i++) {
    const old = Process.whereis('worker')!;
    Process.exit(old, 'kill');
    while (Process.whereis('worker') === null || Process.whereis('worker') === old) {
      await Process.yield();
    }
  }
});
out(
  `  supervisor restart latency     ${micros(restartMs, restarts).padStart(10)} per restart (kill -> replacement registered)`,
);

const entries = n(100_000);
const lookups = n(200_000);
const lookupMs = await best(async (mark) => {
  await Registry.startLink({ keys: 'unique', name: 'reg' });
  for (let i = 0; i < entries; i++) Registry.register('reg', `key-${i}`, i);
  mark();
  for (let i = 0; i < lookups; i++) Registry.lookup('reg', `key-${i % entries}`);
});
const topics = 1000;
const dispatches = n(20_000);
let delivered = 0;
const dispatchMs = await best(async (mark) => {
  await Registry.startLink({ keys: 'duplicate', name: 'pubsub' });
  for (let i = 0; i < entries; i++) Registry.register('pubsub', `topic-${i % topics}`, i);
  delivered = 0;
  mark();
  for (let i = 0; i < dispatches; i++) {
    Registry.dispatch('pubsub', `topic-${i % topics}`, (found) => {
      delivered += found.length;
    });
  }
});
out(`  Registry.lookup (${entries} entries)  ${rate(lookups, lookupMs).padStart(10)}`);
out(
  `  Registry.dispatch (${entries} entries over ${topics} keys)  ${rate(dispatches, dispatchMs)} dispatches, ${rate(delivered, dispatchMs)} entries`,
);

const items = n(20_000);
const work = (x: number) => x * 2;
const plainMs = await best(async (mark) => {
  mark();
  let sum = 0;
  for (let i = 0; i < items; i++) sum += work(i);
  if (sum < 0) throw new Error('unreachable');
});
const streamMs = await best(async (mark) => {
  const inputs = Array.from({ length: items }, (_v, i) => i);
  mark();
  for await (const result of Task.asyncStream(inputs, work, { maxConcurrency: 8 })) {
    if (result[0] !== 'ok') throw new Error('task failed');
  }
});
out(
  `  Task.asyncStream overhead      ${micros(streamMs - plainMs, items).padStart(10)} per item (${items} items, maxConcurrency 8)`,
);
