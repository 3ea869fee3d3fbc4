import mermaid from 'mermaid';
import { describe, expect, it } from 'vitest';
import {
  GenServer,
  IO,
  Net,
  Process,
  _,
  createRuntime,
  flush,
  receive,
  self,
  send,
  sleep,
  spawn,
  spawnLink,
} from '../../../runtime/index';
import type { Pid } from '../../../runtime/index';
import {
  applySequenceChanges,
  applySequenceEvents,
  createSequenceModel,
  escapeMermaid,
  takeSequenceChanges,
  toMermaid,
  visibleItems,
} from '../../panels/model/sequenceModel';
import type { MessageItem, SequenceItem } from '../../panels/model/sequenceModel';
import { filterProcesses } from '../../panels/model/processTable';
import { watchedRuntime } from './harness';

const messages = (items: readonly SequenceItem[]) =>
  items.filter((i): i is MessageItem => i.type === 'message');

describe('sequence model', () => {
  it('draws the simulated network as NET arrows from the host, a chunk as its size', async () => {
    const { rt, sequence } = watchedRuntime();
    await rt.run(async () => {
      Net.define({ 'n.example': { latency: 5, pages: { '/': { size: 1500 } } } });
      await Net.get('https://n.example/');
      const ref = Net.stream('https://n.example/');
      Net.next(ref, 2);
      await sleep(100);
    });
    const net = messages(sequence.items).filter((i) => i.kind === 'net');
    expect(net.map((i) => [i.label, i.from])).toEqual([
      ['NET', null],
      ['NET', null],
      ['NET', null],
    ]);
    expect(net[0]!.text).toMatch(/^\['ok'/);
    expect(net[2]!.text).toBe("['chunk', '1000 bytes']");
  });

  it('leaves I/O devices, output sent to them and messages the host marks as its own out', async () => {
    const { rt, sequence, table, refresh } = watchedRuntime();
    const device = rt.createIoDevice(() => {}, 'cell a');
    const shown = await rt.run(async () => {
      const worker = spawn(async () => {
        IO.puts('working');
        await receive('job');
        await receive('never');
      });
      Process.groupLeader(worker, device);
      rt.send(null, worker, 'setup', 'system');
      send(worker, 'job');
      await sleep(1);
      refresh();
      const ids = filterProcesses(table.rows.values(), { hideIoDevices: true }).map((r) => r.id);
      return { ids, worker: worker.id };
    });
    const labels = sequence.items.map((i) => `${i.label} ${i.text}`);
    expect(labels.some((l) => l.includes('cell a'))).toBe(false);
    expect(labels.filter((l) => l.startsWith('IO'))).toEqual([]);
    expect(labels.some((l) => l.includes('setup'))).toBe(false);
    expect(labels).toContain("INFO 'job'");
    expect(table.rows.get(device.id)?.behaviour).toBe('io_device');
    expect(shown.ids).toContain(shown.worker);
    expect(shown.ids).not.toContain(device.id);
  });

  it('shows messages still in a mailbox as pending arrows, completed when received', async () => {
    const { rt, sequence } = watchedRuntime();
    await rt.run(async () => {
      const lazy = spawn(async () => {
        await sleep(50);
        await receive(['job', 1]);
        await receive(['job', 2]);
      });
      send(lazy, ['job', 1]);
      send(lazy, ['job', 2]);
      await sleep(10);
      const sent = messages(sequence.items).filter((m) => m.to === lazy.id);
      expect(sent.map((m) => [m.label, m.text, m.state])).toEqual([
        ['INFO', "['job', 1]", 'pending'],
        ['INFO', "['job', 2]", 'pending'],
      ]);
      await sleep(100);
      expect(sent.map((m) => m.state)).toEqual(['received', 'received']);
      expect(sent[0]!.time).toBe(0);
      expect(sent[0]!.receivedTime).toBe(50);
      expect(sent[0]!.receivedSeq).toBeGreaterThan(sent[0]!.seq);
    });
  });

  it('labels GenServer traffic CALL, REPLY, CAST and INFO, the request on the arrow and the whole message on hover', async () => {
    const { rt, sequence } = watchedRuntime();
    const Stack = GenServer.define({
      init: () => ['ok', [] as unknown[]],
      handleCall: (req: unknown, _from: unknown, s: unknown[]) => ['reply', s.length, [req, ...s]],
      handleCast: (_req: unknown, s: unknown[]) => ['noreply', s],
      handleInfo: (_msg: unknown, s: unknown[]) => ['noreply', s],
    });
    await rt.run(async () => {
      const [, pid] = (await GenServer.start(Stack, null, { name: 'stack' })) as ['ok', Pid];
      await GenServer.call('stack', ['push', 7]);
      GenServer.cast(pid, 'tidy');
      send('stack', 'ping');
      await sleep(1);
      const toServer = messages(sequence.items).filter((m) => m.to === pid.id);
      expect(toServer.map((m) => [m.label, m.text])).toEqual([
        ['CALL', "['push', 7]"],
        ['CAST', "'tidy'"],
        ['INFO', "'ping'"],
      ]);
      expect(toServer[2]!.toName).toBe('stack');
      expect(toServer[0]!.payload).toMatch(
        /^\['\$gen_call', \[#PID<0\.\d+\.0>, #Reference<[\d.]+>\], \['push', 7\]\]$/,
      );
      const reply = messages(sequence.items).find(
        (m) => m.from === pid.id && m.label === 'REPLY' && m.to === self().id && m.text === '0',
      );
      expect(reply).toBeDefined();
      await GenServer.stop(pid);
    });
  });

  it('shows a send to a dead process as dropped, and a message its receiver died with as lost', async () => {
    const { rt, sequence } = watchedRuntime();
    await rt.run(async () => {
      const gone = spawn(() => null);
      await sleep(1);
      send(gone, 'anyone?');
      const doomed = spawn(() => sleep(10));
      send(doomed, 'too late');
      await sleep(20);
    });
    const all = messages(sequence.items);
    expect(all.find((m) => m.text === "'anyone?'")).toMatchObject({ state: 'dropped', to: null });
    expect(all.find((m) => m.text === "'too late'")!.state).toBe('lost');
    expect(sequence.pending.size).toBe(0);
  });

  it('draws SPAWN, EXIT, DOWN and EXIT signals', async () => {
    const { rt, sequence } = watchedRuntime();
    let ids = { root: 0, linked: 0, killed: 0 };
    await rt.run(async () => {
      Process.flag('trap_exit', true);
      const linked = spawnLink(() => receive('stop'));
      const killed = spawn(() => receive('stop'));
      Process.monitor(killed);
      ids = { root: self().id, linked: linked.id, killed: killed.id };
      await sleep(1);
      send(linked, 'stop');
      await receive(['EXIT', _, _]);
      Process.exit(killed, 'kill');
      await receive(['DOWN', _, _, _, _]);
    });
    const row = (i: SequenceItem) => [
      i.label,
      i.type,
      'from' in i ? i.from : i.pid,
      'to' in i ? i.to : null,
      i.text,
    ];
    const shown = sequence.items
      .filter((i) => i.type !== 'message' || i.label === 'EXIT' || i.label === 'DOWN')
      .map(row);
    expect(shown).toEqual([
      ['SPAWN', 'spawn', null, ids.root, 'run'],
      ['SPAWN', 'spawn', ids.root, ids.linked, expect.any(String)],
      ['SPAWN', 'spawn', ids.root, ids.killed, expect.any(String)],
      ['EXIT', 'exit', ids.linked, null, "'normal'"],
      ['EXIT', 'message', ids.linked, ids.root, "'normal'"],
      ['EXIT', 'signal', ids.root, ids.killed, "'kill'"],
      ['EXIT', 'exit', ids.killed, null, "'killed'"],
      ['DOWN', 'message', ids.killed, ids.root, "'killed'"],
      ['EXIT', 'exit', ids.root, null, "'normal'"],
    ]);
    expect(sequence.items.find((i) => i.type === 'spawn' && i.to === ids.linked)).toMatchObject({
      linked: true,
    });
  });

  it('completes pending arrows when the receiver flushes its mailbox', async () => {
    const { rt, sequence } = watchedRuntime();
    await rt.run(async () => {
      send(self(), 'a');
      send(self(), 'b');
      expect(sequence.pending.size).toBe(2);
      flush();
    });
    expect(messages(sequence.items).map((m) => m.state)).toEqual(['received', 'received']);
  });

  it('filters to chosen processes, labels, a seq range and the newest items', async () => {
    const rt = createRuntime({ clock: 'virtual' });
    rt.trace.record(true);
    let a = 0;
    let b = 0;
    await rt.run(async () => {
      const pa = spawn(() => receive('stop'));
      const pb = spawn(() => receive('stop'));
      a = pa.id;
      b = pb.id;
      await sleep(1);
      send(pa, 'stop');
      send(pb, 'stop');
      await sleep(1);
    });
    const model = createSequenceModel();
    applySequenceEvents(model, rt.trace.events());
    const onA = visibleItems(model, { pids: [a] });
    expect(onA.every((i) => ('pid' in i ? i.pid === a : i.from === a || i.to === a))).toBe(true);
    expect(onA.map((i) => i.label)).toEqual(['SPAWN', 'INFO', 'EXIT']);
    expect(visibleItems(model, { pids: [a, b], match: 'both' }).map((i) => i.label)).toEqual([
      'EXIT',
      'EXIT',
    ]);
    expect(visibleItems(model, { labels: ['INFO'] })).toHaveLength(2);
    expect(visibleItems(model, { last: 2 }).map((i) => i.seq)).toEqual(
      model.items.slice(-2).map((i) => i.seq),
    );
    const [first, second] = model.items;
    expect(visibleItems(model, { from: second!.seq, to: second!.seq })).toEqual([second]);
    expect(first!.seq).toBeLessThan(second!.seq);
  });

  it('keeps a bounded window of the newest items and forgets sends that fell out of it', async () => {
    const { rt, sequence } = watchedRuntime({ sequenceCapacity: 100 });
    await rt.run(async () => {
      for (let i = 0; i < 500; i++) send(self(), i);
      for (let i = 0; i < 500; i++) await receive();
    });
    takeSequenceChanges(sequence);
    expect(sequence.items).toHaveLength(100);
    expect(sequence.items.at(-1)!.type).toBe('exit');
    expect(sequence.pending.size).toBe(0);
    expect(sequence.pendingTo.size).toBe(0);
  });

  it('hands another copy the new and the updated items, and that copy ends up equal', async () => {
    const { rt, sequence } = watchedRuntime();
    const page = createSequenceModel();
    await rt.run(async () => {
      Process.register(self(), 'main');
      send(self(), 'first');
      applySequenceChanges(page, takeSequenceChanges(sequence));
      expect(messages(page.items)[0]!.state).toBe('pending');
      await receive('first');
      send(self(), 'second');
      const changes = takeSequenceChanges(sequence);
      expect(changes.added.map((i) => i.label)).toEqual(['INFO']);
      expect(changes.updated.map((i) => i.text)).toEqual(["'first'"]);
      applySequenceChanges(page, changes);
      await receive('second');
    });
    applySequenceChanges(page, takeSequenceChanges(sequence));
    expect(page.items).toEqual(sequence.items);
    expect(page.names.get([...sequence.names.keys()][0]!)).toBe('main');
  });

  it('exports the window as a mermaid sequenceDiagram named by registered names, which mermaid parses', async () => {
    const { rt, sequence } = watchedRuntime();
    const Echo = GenServer.define({
      init: () => ['ok', null],
      handleCall: (req: unknown, _from: unknown, s: unknown) => ['reply', req, s],
    });
    let from = 0;
    await rt.run(async () => {
      const [, pid] = (await GenServer.start(Echo, null, { name: 'echo' })) as ['ok', Pid];
      from = sequence.items.at(-1)!.seq + 1;
      await GenServer.call('echo', '#1; <b>bold</b> 50% & "quoted"\nnext line');
      const waiting = spawn(() => receive('never'));
      send(waiting, 'queued');
      Process.exit(waiting, 'kill');
      await GenServer.stop(pid);
    });
    const me = sequence.items.find((i) => i.type === 'spawn')!;
    const root = me.type === 'spawn' ? me.to : 0;
    const text = toMermaid(sequence, { from });
    const lines = text.split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines).toContain(`  participant P${root} as #35;PID#60;0.${root}.0#62;`);
    expect(text).toMatch(/participant P\d+ as echo\n/);
    expect(text).toContain(
      "CALL: '#35;1#59; #60;b#62;bold#60;/b#62; 50#37; #38; #34;quoted#34;\\nnext line'",
    );
    expect(text).toMatch(/P\d+-->>P\d+: REPLY: /);
    expect(text).toMatch(/P\d+-xP\d+: EXIT: 'kill'/);
    expect(text).toMatch(/Note over P\d+: EXIT: 'killed'/);
    // Only the arrows themselves keep raw `>`: every text is made of entity codes.
    expect(text.replace(/-->>|->>|#\w+;/g, '')).not.toMatch(/[<>;%&"#]/);
    await expect(mermaid.parse(text)).resolves.toMatchObject({ diagramType: 'sequence' });
  });

  it('marks pending and never-received messages in the mermaid export', async () => {
    const { rt, sequence } = watchedRuntime();
    await rt.run(async () => {
      const slow = spawn(() => sleep(5));
      send(slow, 'waiting');
      expect(toMermaid(sequence, { labels: ['INFO'] })).toMatch(
        /P\d+-\)P\d+: INFO: 'waiting' \(pending\)/,
      );
      await sleep(10);
      expect(toMermaid(sequence, { labels: ['INFO'] })).toMatch(
        /P\d+-xP\d+: INFO: 'waiting' \(never received\)/,
      );
    });
    expect(escapeMermaid('a;b')).toBe('a#59;b');
    await expect(mermaid.parse(toMermaid(sequence))).resolves.toBeTruthy();
  });
});
