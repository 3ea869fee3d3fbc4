/**
 * The harness: runs every Savina workload and every baseline, times them and reads the runtime's
 * slice figures. Node (node.ts) and the browser worker (worker.ts) both call `runSuite`, each with
 * what its host offers (a heap reading, nact), so the two columns of the report come from the
 * same code.
 *
 * Every workload first runs untimed at full size, at least twice and for at least half a second,
 * so the figures are for code V8 has finished optimising: after a single warm-up run, PingPong's
 * next runs still came out at half speed with 20 ms slices (optimising compiles and deopts).
 * The benchmarks the goals are about then run three times and keep the fastest time (the least
 * disturbed by GC and the host) and the longest slice seen in any timed run.
 */
import type { Runtime } from '../runtime/index';
import type { EffectLib, Nact } from './baselines';
import {
  bareCounting,
  barePingPong,
  effectCounting,
  effectPingPong,
  nactCounting,
  nactPingPong,
  xstateCounting,
  xstatePingPong,
} from './baselines';
import type { HeapProbe, RuntimeApi, WorkloadOutcome } from './savina';
import {
  big,
  chameneos,
  counting,
  fibonacci,
  forkJoinCreate,
  forkJoinThroughput,
  idleProcessBytes,
  pingPong,
  threadRing,
  YIELD_EVERY,
} from './savina';

/** Workload sizes; `scale` shrinks them for a quick look (`npm run bench -- --quick`). */
export function sizes(scale = 1) {
  const s = (n: number) => Math.max(1, Math.round(n * scale));
  return {
    pingPongRoundTrips: s(40_000),
    countingMessages: s(1_000_000),
    ringSize: 100,
    ringHops: s(100_000),
    forkJoinActors: s(40_000),
    throughputActors: 60,
    throughputPerActor: s(10_000),
    fibonacciN: scale >= 1 ? 25 : 20,
    bigActors: 120,
    bigPingsEach: s(20_000),
    chameneosCreatures: 100,
    chameneosMeetings: s(200_000),
    idleProcesses: s(100_000),
  };
}

export type Sizes = ReturnType<typeof sizes>;

/** What a host gives the suite. */
export interface Host {
  /** Shown in the report's headings: 'Node 20.20.2', 'Chromium 156 (Web Worker)'. */
  readonly platform: string;
  readonly log: (line: string) => void;
  /** A full garbage collection between measurements, when the host exposes one. */
  readonly collectGarbage: (() => void) | null;
  /** Heap readings for the idle-process figure; null when the host has none (it runs elsewhere). */
  readonly heap: HeapProbe | null;
  readonly nact: Nact | null;
  readonly effect: EffectLib | null;
  readonly scale: number;
}

/** One timed figure. */
export interface Measurement {
  readonly id: string;
  readonly label: string;
  /** Who ran it: 'ours' or a baseline's name. */
  readonly engine: string;
  readonly operations: number;
  readonly unit: string;
  readonly ms: number;
  readonly perSecond: number;
  readonly alsoPerSecond: { readonly unit: string; readonly perSecond: number } | null;
  /** Microseconds per process spawned, for the workloads that are about spawning. */
  readonly usPerSpawn: number | null;
  /** The runtime's longest slice (ours only), the worst over the repeats. */
  readonly longestSliceMs: number | null;
  readonly correct: boolean;
  readonly detail: string;
}

/** The idle-process figure, or why there is none. */
export type IdleFigure =
  | { readonly bytesPerProcess: number; readonly processes: number; readonly where: string }
  | { readonly unavailable: string };

export interface SuiteResult {
  readonly platform: string;
  readonly measurements: Measurement[];
  readonly idle: IdleFigure;
  readonly notes: string[];
}

interface OursSpec {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly repeats: number;
  readonly tracing: boolean;
  /** Spawn-heavy workloads report microseconds per process spawned. */
  readonly perSpawn: boolean;
  readonly run: (rt: Runtime, size: Sizes) => Promise<WorkloadOutcome>;
}

interface BaselineSpec {
  readonly id: string;
  readonly label: string;
  readonly engine: string;
  readonly repeats: number;
  readonly run: (size: Sizes) => WorkloadOutcome | Promise<WorkloadOutcome>;
}

const now = () => performance.now();

/** Untimed runs before measuring: at least this many, and for at least `WARM_UP_MS` in all. */
const WARM_UP_RUNS = 2;
const WARM_UP_MS = 500;
/** Enough for the quickest workload to reach WARM_UP_MS even at the smallest scale. */
const MAX_WARM_UP_RUNS = 50;

/** Runs `once` untimed until the code it exercises is warm (see the module comment). */
async function warmUp(once: () => Promise<unknown>): Promise<void> {
  const start = now();
  for (let runs = 0; runs < MAX_WARM_UP_RUNS; runs++) {
    if (runs >= WARM_UP_RUNS && now() - start >= WARM_UP_MS) return;
    await once();
  }
}

function oursSpecs(api: RuntimeApi): OursSpec[] {
  const traced = (spec: OursSpec): OursSpec => ({
    ...spec,
    id: `${spec.id}+trace`,
    label: `${spec.label} +trace`,
    tracing: true,
  });
  const pingPongSpec: OursSpec = {
    id: 'pingpong',
    label: 'PingPong',
    unit: 'msg',
    repeats: 3,
    tracing: false,
    perSpawn: false,
    run: (rt, size) => pingPong(api, rt, size.pingPongRoundTrips),
  };
  const countingSpec: OursSpec = {
    id: 'counting',
    label: 'Counting, producer as written',
    unit: 'msg',
    repeats: 3,
    tracing: false,
    perSpawn: false,
    run: (rt, size) => counting(api, rt, size.countingMessages, null),
  };
  const countingYieldingSpec: OursSpec = {
    id: 'counting-yield',
    label: `Counting, producer yields/${YIELD_EVERY}`,
    unit: 'msg',
    repeats: 3,
    tracing: false,
    perSpawn: false,
    run: (rt, size) => counting(api, rt, size.countingMessages, YIELD_EVERY),
  };
  return [
    pingPongSpec,
    traced(pingPongSpec),
    countingSpec,
    traced(countingSpec),
    countingYieldingSpec,
    traced(countingYieldingSpec),
    {
      id: 'threadring',
      label: 'ThreadRing',
      unit: 'hop',
      repeats: 3,
      tracing: false,
      perSpawn: false,
      run: (rt, size) => threadRing(api, rt, size.ringSize, size.ringHops),
    },
    {
      id: 'fj-create',
      label: 'ForkJoin creation',
      unit: 'actor',
      repeats: 1,
      tracing: false,
      perSpawn: true,
      run: (rt, size) => forkJoinCreate(api, rt, size.forkJoinActors),
    },
    {
      id: 'fj-throughput',
      label: 'ForkJoin throughput',
      unit: 'msg',
      repeats: 1,
      tracing: false,
      perSpawn: false,
      run: (rt, size) =>
        forkJoinThroughput(api, rt, size.throughputActors, size.throughputPerActor),
    },
    {
      id: 'fibonacci',
      label: 'Fibonacci',
      unit: 'actor',
      repeats: 1,
      tracing: false,
      perSpawn: true,
      run: (rt, size) => fibonacci(api, rt, size.fibonacciN),
    },
    {
      id: 'big',
      label: 'Big',
      unit: 'msg',
      repeats: 1,
      tracing: false,
      perSpawn: false,
      run: (rt, size) => big(api, rt, size.bigActors, size.bigPingsEach),
    },
    {
      id: 'chameneos',
      label: 'Chameneos',
      unit: 'msg',
      repeats: 1,
      tracing: false,
      perSpawn: false,
      run: (rt, size) => chameneos(api, rt, size.chameneosCreatures, size.chameneosMeetings),
    },
  ];
}

function baselineSpecs(host: Host): BaselineSpec[] {
  const specs: BaselineSpec[] = [
    {
      id: 'pingpong',
      label: 'PingPong',
      engine: 'bare loop',
      // A run takes milliseconds, so one GC pause moves it a lot: keep the best of many.
      repeats: 10,
      run: (size) => barePingPong(size.pingPongRoundTrips),
    },
    {
      id: 'counting',
      label: 'Counting',
      engine: 'bare loop',
      // A run takes milliseconds, so one GC pause moves it a lot: keep the best of many.
      repeats: 10,
      run: (size) => bareCounting(size.countingMessages),
    },
    {
      id: 'pingpong',
      label: 'PingPong',
      engine: 'xstate',
      repeats: 3,
      run: (size) => xstatePingPong(size.pingPongRoundTrips),
    },
    {
      id: 'counting',
      label: 'Counting',
      engine: 'xstate',
      repeats: 3,
      run: (size) => xstateCounting(size.countingMessages),
    },
  ];
  const { nact, effect } = host;
  if (nact) {
    specs.push(
      {
        id: 'pingpong',
        label: 'PingPong',
        engine: 'nact',
        repeats: 1,
        run: (size) => nactPingPong(nact, size.pingPongRoundTrips),
      },
      {
        id: 'counting',
        label: 'Counting',
        engine: 'nact',
        repeats: 1,
        run: (size) => nactCounting(nact, size.countingMessages),
      },
    );
  }
  if (effect) {
    specs.push(
      {
        id: 'pingpong',
        label: 'PingPong',
        engine: 'effect',
        repeats: 3,
        run: (size) => effectPingPong(effect, size.pingPongRoundTrips),
      },
      {
        id: 'counting',
        label: 'Counting',
        engine: 'effect',
        repeats: 3,
        run: (size) => effectCounting(effect, size.countingMessages),
      },
    );
  }
  return specs;
}

interface Run {
  readonly outcome: WorkloadOutcome;
  readonly ms: number;
  readonly longestSliceMs: number | null;
  readonly spawned: number;
}

/** Runs one of our workloads in a fresh runtime, with tracing on if asked. */
async function runOurs(api: RuntimeApi, spec: OursSpec, size: Sizes): Promise<Run> {
  // Counting as written queues all but its first message before the counter runs again: at a
  // million messages that is exactly the default mailbox limit, so give the workloads headroom.
  const rt = api.createRuntime({ clock: 'real', maxMailbox: 2 * size.countingMessages + 2 });
  if (spec.tracing) {
    // Recording into the ring buffer plus one listener: what the sequence-trace panel costs.
    rt.trace.record(true);
    rt.trace.subscribe(() => {});
  }
  rt.resetSliceStats();
  const spawnedBefore = rt.stats().spawned;
  const start = now();
  const outcome = await spec.run(rt, size);
  await rt.whenIdle();
  const ms = now() - start;
  const stats = rt.stats();
  rt.shutdown();
  return {
    outcome,
    ms,
    longestSliceMs: stats.longestSliceMs,
    spawned: stats.spawned - spawnedBefore - 1, // less the rt.run process
  };
}

/** Keeps the fastest run, but the worst slice and any failed check of all of them. */
function combine(runs: Run[]): Run {
  const fastest = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  const slices = runs.map((r) => r.longestSliceMs ?? 0);
  const failed = runs.find((r) => !r.outcome.correct);
  return {
    ...fastest,
    outcome: failed ? failed.outcome : fastest.outcome,
    longestSliceMs: runs[0]!.longestSliceMs === null ? null : Math.max(...slices),
  };
}

function toMeasurement(
  id: string,
  label: string,
  engine: string,
  unit: string,
  run: Run,
  perSpawn: boolean,
): Measurement {
  const { outcome, ms } = run;
  const seconds = ms / 1000;
  return {
    id,
    label,
    engine,
    unit,
    operations: outcome.operations,
    ms,
    perSecond: outcome.operations / seconds,
    alsoPerSecond: outcome.alsoCount
      ? { unit: outcome.alsoCount.unit, perSecond: outcome.alsoCount.count / seconds }
      : null,
    usPerSpawn: perSpawn && run.spawned > 0 ? (ms * 1000) / run.spawned : null,
    longestSliceMs: run.longestSliceMs,
    correct: outcome.correct,
    detail: outcome.detail,
  };
}

/** One line of progress for the console. */
export function progressLine(m: Measurement): string {
  const rate = `${formatRate(m.perSecond)} ${m.unit}/s`;
  const also = m.alsoPerSecond
    ? `  (${formatRate(m.alsoPerSecond.perSecond)} ${m.alsoPerSecond.unit}/s)`
    : '';
  const spawn = m.usPerSpawn === null ? '' : `  ${m.usPerSpawn.toFixed(2)} µs/spawn`;
  const slice =
    m.longestSliceMs === null ? '' : `  longest slice ${m.longestSliceMs.toFixed(1)} ms`;
  const check = m.correct ? 'ok' : `WRONG: ${m.detail}`;
  const who = m.engine === 'ours' ? '' : ` [${m.engine}]`;
  return `${`${m.label}${who}`.padEnd(42)} ${rate.padStart(16)}  ${m.ms.toFixed(0).padStart(6)} ms${also}${spawn}${slice}  ${check}`;
}

/** 1234567 -> '1.23 M', 45678 -> '45.7 k'. */
export function formatRate(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return n.toFixed(0);
}

export async function runSuite(api: RuntimeApi, host: Host): Promise<SuiteResult> {
  const size = sizes(host.scale);
  const measurements: Measurement[] = [];
  const notes: string[] = [];
  // A full GC clears what the previous workload left, before this one warms up. Not before
  // each timed run: V8 shrinks the young generation on a full GC, and PingPong then ran at half
  // speed until the heap had grown back, which no real program would see.
  const settle = () => host.collectGarbage?.();
  host.log(`${host.platform}: our runtime`);
  for (const spec of oursSpecs(api)) {
    settle();
    await warmUp(() => runOurs(api, spec, size));
    const runs: Run[] = [];
    for (let i = 0; i < spec.repeats; i++) runs.push(await runOurs(api, spec, size));
    const m = toMeasurement(spec.id, spec.label, 'ours', spec.unit, combine(runs), spec.perSpawn);
    measurements.push(m);
    host.log(`  ${progressLine(m)}`);
  }
  host.log(`${host.platform}: baselines`);
  for (const spec of baselineSpecs(host)) {
    settle();
    await warmUp(async () => spec.run(size));
    const runs: Run[] = [];
    for (let i = 0; i < spec.repeats; i++) {
      const start = now();
      const outcome = await spec.run(size);
      runs.push({ outcome, ms: now() - start, longestSliceMs: null, spawned: 0 });
    }
    const m = toMeasurement(spec.id, spec.label, spec.engine, 'msg', combine(runs), false);
    measurements.push(m);
    host.log(`  ${progressLine(m)}`);
  }
  if (!host.nact) notes.push('nact skipped: it needs Node (setImmediate, assert, crypto).');
  if (!host.effect) notes.push('effect skipped: not available on this host.');
  const idle = host.heap ? await measureIdle(api, host.heap, size.idleProcesses) : null;
  if (idle && 'bytesPerProcess' in idle) {
    host.log(`  Idle processes: ${idle.bytesPerProcess.toFixed(0)} bytes each (${idle.where})`);
  }
  return {
    platform: host.platform,
    measurements,
    idle: idle ?? { unavailable: 'no heap reading on this host' },
    notes,
  };
}

/** Bytes per process blocked in receive (see idleProcessBytes). */
export async function measureIdle(
  api: RuntimeApi,
  heap: HeapProbe,
  processes: number,
  where = 'heap used after a full GC',
): Promise<IdleFigure> {
  const result = await idleProcessBytes(api, processes, heap);
  if (!result.correct) return { unavailable: `idle measurement went wrong: ${result.detail}` };
  return { bytesPerProcess: result.bytesPerProcess, processes, where };
}
