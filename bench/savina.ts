/**
 * The Savina actor micro-benchmarks (Imam & Sarkar, AGERE 2014), written against the runtime's
 * public API only, so they read like a learner's code and measure what learners get.
 *
 * Every workload takes the API as an argument instead of importing it: the Node entry and the
 * browser worker pass the same module, and nothing here touches a host object, so the figures of
 * both hosts come from identical code.
 *
 * A workload runs inside one fresh runtime and reports how many messages (or operations) it made
 * and whether its answer was right; timing, slices and tracing are the harness's job (suite.ts).
 */
import type * as RuntimeModule from '../runtime/index';
import type { Pid, Runtime } from '../runtime/index';

/** The part of the runtime's public API the benchmarks use. */
export type RuntimeApi = Pick<
  typeof RuntimeModule,
  'createRuntime' | 'spawn' | 'send' | 'receive' | 'self' | 'Process'
>;

/** What a workload reports back to the harness. */
export interface WorkloadOutcome {
  /** Messages sent (or the workload's own unit of work), the numerator of the rate. */
  readonly operations: number;
  /** True when the workload computed the answer it should have (a wrong answer voids a figure). */
  readonly correct: boolean;
  /** A short human-readable note on what was checked. */
  readonly detail: string;
  /** A second figure worth a rate of its own (Chameneos: meetings besides messages). */
  readonly alsoCount?: { readonly unit: string; readonly count: number };
}

/**
 * A bulk loop in one process never waits, and JavaScript cannot preempt it, so it would run as one
 * long slice. Loops that send or spawn in bulk therefore yield this often, like a BEAM process
 * running out of reductions. (Counting also runs without it, to show the difference.)
 */
export const YIELD_EVERY = 1_000;

/** Savina PingPong: one process pings another and waits for each pong. */
export async function pingPong(
  api: RuntimeApi,
  rt: Runtime,
  roundTrips: number,
): Promise<WorkloadOutcome> {
  const { spawn, send, receive, self } = api;
  const pongs = await rt.run(async () => {
    const me = self();
    const ponger = spawn(async () => {
      for (;;) {
        const message = await receive<['ping', Pid] | 'stop'>();
        if (message === 'stop') return;
        send(message[1], 'pong');
      }
    });
    let received = 0;
    for (let i = 0; i < roundTrips; i++) {
      send(ponger, ['ping', me]);
      if ((await receive<string>()) === 'pong') received++;
    }
    send(ponger, 'stop');
    return received;
  });
  return {
    operations: 2 * roundTrips,
    correct: pongs === roundTrips,
    detail: `${pongs} pongs`,
  };
}

/**
 * Savina Counting: a producer sends `messages` increments to a counter, then asks for the count.
 * With `yieldEvery` null the producer is a plain loop that never waits: one slice as long as the
 * whole loop. With a number it calls `Process.yield()` that often.
 */
export async function counting(
  api: RuntimeApi,
  rt: Runtime,
  messages: number,
  yieldEvery: number | null,
): Promise<WorkloadOutcome> {
  const { spawn, send, receive, self, Process } = api;
  const count = await rt.run(async () => {
    const me = self();
    const counter = spawn(async () => {
      let total = 0;
      for (;;) {
        const message = await receive<'increment' | ['get', Pid]>();
        if (message === 'increment') {
          total++;
        } else {
          send(message[1], total);
          return;
        }
      }
    });
    for (let i = 1; i <= messages; i++) {
      send(counter, 'increment');
      if (yieldEvery !== null && i % yieldEvery === 0) await Process.yield();
    }
    send(counter, ['get', me]);
    return await receive<number>();
  });
  return {
    operations: messages + 2,
    correct: count === messages,
    detail: `count ${count}`,
  };
}

/** Savina ThreadRing: a token counted down from `hops` travels round a ring of processes. */
export async function threadRing(
  api: RuntimeApi,
  rt: Runtime,
  ringSize: number,
  hops: number,
): Promise<WorkloadOutcome> {
  const { spawn, send, receive, self } = api;
  const finishedAt = await rt.run(async () => {
    const me = self();
    const ring: Pid[] = [];
    for (let i = 0; i < ringSize; i++) {
      const position = i;
      ring.push(
        spawn(async () => {
          const [, next] = await receive<['next', Pid]>();
          for (;;) {
            const token = await receive<number | 'stop'>();
            if (token === 'stop') return;
            if (token === 0) send(me, ['done', position]);
            else send(next, token - 1);
          }
        }),
      );
    }
    ring.forEach((pid, i) => send(pid, ['next', ring[(i + 1) % ringSize]!]));
    send(ring[0]!, hops);
    const [, position] = await receive<['done', number]>();
    for (const pid of ring) send(pid, 'stop');
    return position;
  });
  // The token starts at process 0 and moves one place per hop.
  const expected = hops % ringSize;
  return {
    operations: hops,
    correct: finishedAt === expected,
    detail: `token ended at process ${finishedAt}`,
  };
}

/**
 * Savina ForkJoin (creation): spawn `actors` processes and send each one message; each takes it
 * and exits. The run ends when the runtime is idle, so it covers spawn, delivery and exit.
 */
export async function forkJoinCreate(
  api: RuntimeApi,
  rt: Runtime,
  actors: number,
): Promise<WorkloadOutcome> {
  const { spawn, send, receive, Process } = api;
  const before = rt.stats();
  const worker = async () => {
    const theta = await receive<number>();
    // Savina's token computation: small, but real work per actor.
    return Math.sin(theta) ** 2;
  };
  await rt.run(async () => {
    for (let i = 1; i <= actors; i++) {
      send(spawn(worker), i);
      if (i % YIELD_EVERY === 0) await Process.yield();
    }
  });
  await rt.whenIdle();
  const after = rt.stats();
  const spawned = after.spawned - before.spawned - 1; // less the rt.run process
  const allExited = after.processes === before.processes;
  return {
    operations: actors,
    correct: spawned === actors && allExited,
    detail: `${spawned} spawned, ${allExited ? 'all exited' : `${after.processes} still alive`}`,
  };
}

/** Savina ForkJoin (throughput): `actors` processes each take `perActor` messages, round robin. */
export async function forkJoinThroughput(
  api: RuntimeApi,
  rt: Runtime,
  actors: number,
  perActor: number,
): Promise<WorkloadOutcome> {
  const { spawn, send, receive, self, Process } = api;
  const finished = await rt.run(async () => {
    const me = self();
    const workers: Pid[] = [];
    for (let i = 0; i < actors; i++) {
      workers.push(
        spawn(async () => {
          let sum = 0;
          for (let n = 0; n < perActor; n++) sum += await receive<number>();
          send(me, ['done', sum]);
        }),
      );
    }
    let sent = 0;
    for (let n = 0; n < perActor; n++) {
      for (const worker of workers) {
        send(worker, n);
        if (++sent % YIELD_EVERY === 0) await Process.yield();
      }
    }
    const expectedSum = (perActor * (perActor - 1)) / 2;
    let correct = 0;
    for (let i = 0; i < actors; i++) {
      const [, sum] = await receive<['done', number]>();
      if (sum === expectedSum) correct++;
    }
    return correct;
  });
  return {
    operations: actors * perActor,
    correct: finished === actors,
    detail: `${finished}/${actors} workers summed right`,
  };
}

/**
 * Savina Fibonacci: the process for n spawns processes for n-1 and n-2 and adds their replies;
 * n <= 2 answers 1. fib(25) = 75,025 and takes 2 * 75,025 - 1 = 150,049 processes.
 */
export async function fibonacci(api: RuntimeApi, rt: Runtime, n: number): Promise<WorkloadOutcome> {
  const { spawn, send, receive, self } = api;
  const fib = (k: number, parent: Pid) => async () => {
    if (k <= 2) {
      send(parent, 1);
      return;
    }
    const me = self();
    spawn(fib(k - 1, me));
    spawn(fib(k - 2, me));
    const first = await receive<number>();
    const second = await receive<number>();
    send(parent, first + second);
  };
  const spawnedBefore = rt.stats().spawned;
  const value = await rt.run(async () => {
    spawn(fib(n, self()));
    return await receive<number>();
  });
  const processes = rt.stats().spawned - spawnedBefore - 1; // less the rt.run process
  const expected = fibonacciNumber(n);
  return {
    operations: processes,
    correct: value === expected && processes === 2 * expected - 1,
    detail: `fib(${n}) = ${value} with ${processes} processes`,
  };
}

function fibonacciNumber(n: number): number {
  let [a, b] = [1, 1];
  for (let i = 2; i < n; i++) [a, b] = [b, a + b];
  return b;
}

/**
 * Savina Big: every process pings random neighbours `pingsEach` times, one ping outstanding at a
 * time, and answers every ping it gets with a pong. Many-to-many traffic, so mailboxes interleave.
 */
export async function big(
  api: RuntimeApi,
  rt: Runtime,
  actors: number,
  pingsEach: number,
): Promise<WorkloadOutcome> {
  const { spawn, send, receive, self } = api;
  const done = await rt.run(async () => {
    const main = self();
    const member = (index: number) => async () => {
      const [, neighbours] = await receive<['neighbours', Pid[]]>();
      const me = self();
      const random = xorshift(index + 1);
      let pingsLeft = pingsEach;
      const pingSomeone = () => {
        // A random neighbour other than this process.
        const offset = 1 + (random() % (neighbours.length - 1));
        send(neighbours[(index + offset) % neighbours.length]!, ['ping', me]);
      };
      pingSomeone();
      for (;;) {
        const message = await receive<'pong' | 'stop' | ['ping', Pid]>();
        if (message === 'pong') {
          if (--pingsLeft > 0) pingSomeone();
          else send(main, 'done');
        } else if (message === 'stop') {
          return;
        } else {
          send(message[1], 'pong');
        }
      }
    };
    const members: Pid[] = [];
    for (let i = 0; i < actors; i++) members.push(spawn(member(i)));
    for (const pid of members) send(pid, ['neighbours', members]);
    let finished = 0;
    while (finished < actors) if ((await receive<string>()) === 'done') finished++;
    for (const pid of members) send(pid, 'stop');
    return finished;
  });
  return {
    operations: 2 * actors * pingsEach,
    correct: done === actors,
    detail: `${done}/${actors} finished their pings`,
  };
}

/** A small deterministic random generator (xorshift32), so every run sends the same traffic. */
function xorshift(seed: number): () => number {
  let state = (seed * 2_654_435_761) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

type Colour = 'red' | 'yellow' | 'blue';
const COLOURS: readonly Colour[] = ['red', 'yellow', 'blue'];

/** Savina's colour rule: two equal colours stay; two different ones give the third. */
function complement(mine: Colour, theirs: Colour): Colour {
  if (mine === theirs) return mine;
  return COLOURS.find((c) => c !== mine && c !== theirs)!;
}

type MallMessage = ['meet', Pid, Colour] | ['faded', number];
type ChameneoMessage = ['meet', Pid, Colour] | ['change', Colour] | 'exit';

/**
 * Savina Chameneos: creatures ask a mall (a broker process) to meet; the mall pairs them two by
 * two by forwarding one's request to the other, who answers its partner with its new colour.
 * After `meetings` meetings the mall tells every creature to exit, and each reports its count.
 */
export async function chameneos(
  api: RuntimeApi,
  rt: Runtime,
  creatures: number,
  meetings: number,
): Promise<WorkloadOutcome> {
  const { spawn, send, receive, self } = api;
  const sentBefore = rt.stats().messagesSent;
  const total = await rt.run(async () => {
    const mall = self();
    const creature = (colour: Colour) => async () => {
      const me = self();
      let met = 0;
      send(mall, ['meet', me, colour]);
      for (;;) {
        const message = await receive<ChameneoMessage>();
        if (message === 'exit') {
          send(mall, ['faded', met]);
          return;
        }
        met++;
        if (message[0] === 'meet') {
          colour = complement(colour, message[2]);
          send(message[1], ['change', colour]);
        } else {
          colour = message[1];
        }
        send(mall, ['meet', me, colour]);
      }
    };
    for (let i = 0; i < creatures; i++) spawn(creature(COLOURS[i % COLOURS.length]!));
    let held = 0;
    let waiting: ['meet', Pid, Colour] | null = null;
    let faded = 0;
    let sum = 0;
    while (faded < creatures) {
      const message = await receive<MallMessage>();
      if (message[0] === 'faded') {
        faded++;
        sum += message[1];
      } else if (held === meetings) {
        send(message[1], 'exit');
      } else if (waiting === null) {
        waiting = message;
      } else {
        held++;
        send(waiting[1], message);
        waiting = null;
      }
    }
    return sum;
  });
  const messages = rt.stats().messagesSent - sentBefore;
  return {
    operations: messages,
    correct: total === 2 * meetings,
    detail: `${meetings} meetings, ${total / 2} counted by the creatures`,
    alsoCount: { unit: 'meetings', count: meetings },
  };
}

/** Reads and cleans the host's heap, or says it cannot. */
export interface HeapProbe {
  /** Collects garbage as fully as the host allows. */
  collect(): void;
  /** Bytes of JS heap in use. */
  used(): number;
}

/**
 * Bytes per idle process: heap growth after spawning `count` processes that each block in
 * `receive()`, divided by `count`. The runtime exists before the first reading, so only the
 * processes (control block, pid, mailbox, pending receive and suspended async function) count.
 */
export async function idleProcessBytes(
  api: RuntimeApi,
  count: number,
  heap: HeapProbe,
): Promise<{ bytesPerProcess: number; correct: boolean; detail: string }> {
  const { spawn, receive, Process } = api;
  const rt = api.createRuntime({ clock: 'real' });
  const idle = async () => {
    await receive();
  };
  // Warm the spawn path so its code is compiled before the first reading.
  await rt.run(() => spawn(async () => {}));
  await rt.whenIdle();
  heap.collect();
  const before = heap.used();
  await rt.run(async () => {
    for (let i = 1; i <= count; i++) {
      spawn(idle);
      if (i % YIELD_EVERY === 0) await Process.yield();
    }
  });
  await rt.whenIdle();
  heap.collect();
  const after = heap.used();
  const waiting = rt.stats().processes - 1; // less the default group leader
  rt.shutdown();
  return {
    bytesPerProcess: (after - before) / count,
    correct: waiting === count,
    detail: `${waiting} processes waiting in receive`,
  };
}
