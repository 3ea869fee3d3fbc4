/**
 * The behaviour core (otp/gen.ts): what every behaviour does the same way because they all run
 * on it: starting under a name, system messages (sys.*) and proc_lib's stop.
 */
import { describe, expect, it } from 'vitest';
import {
  Agent,
  DynamicSupervisor,
  GenServer,
  PartitionSupervisor,
  Process,
  Registry,
  Supervisor,
  catchExit,
  self,
  sys,
} from '../index';
import type { Pid, StartResult } from '../index';
import { virtualRuntime } from './helpers';

const Holder = GenServer.define({ init: (n: number) => ['ok', n] });

/** Each behaviour, started linked under `name`. */
const starts: Array<[string, (name: string) => Promise<StartResult>]> = [
  ['GenServer', (name) => GenServer.startLink(Holder, 1, { name })],
  ['Agent', (name) => Agent.startLink(() => 1, { name })],
  ['Supervisor', (name) => Supervisor.startLink([], { strategy: 'one_for_one', name })],
  ['DynamicSupervisor', (name) => DynamicSupervisor.startLink({ name })],
  [
    'PartitionSupervisor',
    (name) => PartitionSupervisor.startLink({ name, childSpec: [Holder, 2], partitions: 1 }),
  ],
  ['Registry', (name) => Registry.startLink({ keys: 'unique', name })],
];

describe('the behaviour core', () => {
  it.each(starts)(
    "%s refuses a second start under a taken name with ['error', ['already_started', holder]]",
    async (_kind, start) => {
      const { rt } = virtualRuntime();
      const got = await rt.run(async () => {
        const first = (await start('taken')) as ['ok', Pid];
        const second = await start('taken');
        return { first: first[1], second, holder: Process.whereis('taken') };
      });
      expect(got.second).toEqual(['error', ['already_started', got.first]]);
      expect(got.holder).toBe(got.first);
    },
  );

  it.each(starts)(
    '%s answers sys.trace and sys.getState, and GenServer.stop stops it with the reason given',
    async (_kind, start) => {
      const { rt } = virtualRuntime();
      const got = await rt.run(async () => {
        Process.flag('trap_exit', true);
        const [, pid] = (await start('b')) as ['ok', Pid];
        const trace = await sys.trace(pid, true);
        const untrace = await sys.trace(pid, false);
        const state = await catchExit(sys.getState(pid));
        const ref = Process.monitor(pid);
        const stopped = await GenServer.stop(pid, 'shutdown');
        const down = Process.info(self(), 'messages')[1].find(
          (m: unknown) => Array.isArray(m) && m[0] === 'DOWN' && m[1] === ref,
        );
        return { trace, untrace, state: state[0], stopped, alive: Process.alive(pid), down };
      });
      expect(got).toMatchObject({ trace: 'ok', untrace: 'ok', state: 'ok', stopped: 'ok' });
      expect(got.alive).toBe(false);
      expect((got.down as unknown[])[4]).toBe('shutdown');
    },
  );

  it('leaves a call to a registry unanswered: calls are not part of its protocol', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, reg] = (await Registry.startLink({ keys: 'unique', name: 'reg' })) as ['ok', Pid];
      const call = await catchExit(GenServer.call(reg, 'hello', 50));
      return { reg, call, alive: Process.alive(reg) };
    });
    expect(got.call).toEqual(['exit', ['timeout', ['GenServer', 'call', [got.reg, 'hello', 50]]]]);
    expect(got.alive).toBe(true);
  });
});
