/**
 * The page half of `npm run bench:engine`: drives the app's real runtime worker through the
 * app's WorkerClient (so esbuild-wasm, the protocol, batching and the heartbeat are all the ones
 * the chapter pages use) and publishes the figures as `window.benchDone`.
 */
import type { ClientEvent } from '../../app/session/workerClient';
import { HANG_NOTICE, WorkerClient } from '../../app/session/workerClient';

/** What run.mjs prints. All times in milliseconds. */
export interface EngineBenchResult {
  readonly startup: {
    /** new WorkerClient() until the worker says ready. */
    readonly workerReady: number;
    /** esbuild-wasm import, initialize() and a warm-up transform, as the worker measured it. */
    readonly compilerInWorker: number;
    /** new WorkerClient() until the first cell's result is back. */
    readonly firstCell: number;
  };
  readonly typicalCell: {
    readonly runs: number;
    /** Page round trip: client.run() until its result resolves. */
    readonly roundTrip: Stats;
    /** Compile + run as the worker measured it. */
    readonly inWorker: Stats;
  };
  readonly replacement: {
    /** The hanging cell started until the client gave up on the worker. */
    readonly detection: number;
    /** The client gave up until the new worker said ready. */
    readonly newWorkerReady: number;
    /** The client gave up until a cell's result came back from the new worker. */
    readonly firstCellRunnable: number;
  };
}

export interface Stats {
  readonly median: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
}

const RUNS = 200;

/** A cell like the chapters have: spawn, a round trip of messages, a shown value. */
const typicalCell = (i: number) => `const doubler = spawn(async () => {
  const [from, n] = await receive();
  send(from, n * 2);
});
send(doubler, [self(), ${i}]);
const answer: number = await receive();
IO.puts(\`answer \${answer}\`);
[answer, Process.alive(doubler)]`;

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95), min: sorted[0]!, max: sorted.at(-1)! };
}

/** Resolves with the time of the first event `match` accepts. */
function when(client: WorkerClient, match: (event: ClientEvent) => boolean): Promise<number> {
  return new Promise((resolve) => {
    const stop = client.subscribe((event) => {
      if (!match(event)) return;
      stop();
      resolve(performance.now());
    });
  });
}

async function expectOk(client: WorkerClient, cellId: string, source: string): Promise<void> {
  const result = await client.run(cellId, source);
  if (result.status !== 'ok') throw new Error(`cell ${cellId} ended ${JSON.stringify(result)}`);
}

async function main(): Promise<EngineBenchResult> {
  const log = (line: string) => console.log(line);

  const started = performance.now();
  const client = new WorkerClient();
  const ready = when(client, (e) => e.type === 'status' && e.status === 'ready');
  let compilerInWorker = Number.NaN;
  const compiled = new Promise<void>((resolve, reject) => {
    const stop = client.subscribe((event) => {
      if (event.type !== 'compiler/status') return;
      stop();
      if (!event.ok) reject(new Error(event.message ?? 'compiler failed'));
      compilerInWorker = event.ms;
      resolve();
    });
  });
  let firstInWorker = Number.NaN;
  const stopFirst = client.subscribe((event) => {
    if (event.type === 'cell/done') firstInWorker = event.ms;
  });
  await expectOk(client, 'first', '1 + 1');
  stopFirst();
  const firstCell = performance.now() - started;
  const workerReady = (await ready) - started;
  await compiled;
  log(
    `start-up: worker ready ${workerReady.toFixed(0)} ms, compiler ${compilerInWorker.toFixed(0)} ms, first cell ${firstCell.toFixed(0)} ms (${firstInWorker.toFixed(0)} ms of it in the worker)`,
  );

  const inWorker: number[] = [];
  const roundTrip: number[] = [];
  client.subscribe((event) => {
    if (event.type === 'cell/done') inWorker.push(event.ms);
  });
  for (let i = 0; i < 20; i++) await expectOk(client, 'warm-up', typicalCell(i));
  inWorker.length = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await expectOk(client, `typical-${i % 10}`, typicalCell(i));
    roundTrip.push(performance.now() - t0);
  }
  log(`typical cell: ${RUNS} runs done`);

  // A hang only the heartbeat catches: catastrophic backtracking in one regex call.
  const hangStarted = performance.now();
  const gaveUp = when(client, (e) => e.type === 'notice' && e.text === HANG_NOTICE);
  const hung = client.run('hang', "/^(a+)+$/.test('a'.repeat(40) + 'b')");
  const gaveUpAt = await gaveUp;
  const lost = await hung;
  if (lost.status !== 'lost') throw new Error(`the hanging cell ended ${lost.status}`);
  const newReady =
    (await when(client, (e) => e.type === 'status' && e.status === 'ready')) - gaveUpAt;
  await expectOk(client, 'after', "['runnable', 1]");
  const runnable = performance.now() - gaveUpAt;
  log('replacement: done');
  client.dispose();

  return {
    startup: { workerReady, compilerInWorker, firstCell },
    typicalCell: { runs: RUNS, roundTrip: stats(roundTrip), inWorker: stats(inWorker) },
    replacement: {
      detection: gaveUpAt - hangStarted,
      newWorkerReady: newReady,
      firstCellRunnable: runnable,
    },
  };
}

(window as unknown as { benchDone: Promise<EngineBenchResult> }).benchDone = main();
