import { describe, expect, it } from 'vitest';
import {
  _,
  ArgumentError,
  after,
  Net,
  Process,
  createRuntime,
  inspect,
  on,
  processSnapshots,
  receive,
  self,
  sleep,
  spawn,
  System,
} from '../index';
import type { NetResult, Ref, Runtime, StreamMessage, TraceEvent } from '../index';
import { virtualRuntime } from './helpers';

const now = () => System.monotonicTime('millisecond');

const messages = () => Process.info(self(), 'messages')[1] as unknown[];

/** Takes the next message of stream `ref`. */
const nextOf = (ref: Ref) => receive<StreamMessage>(on([_, ref, _], (m: StreamMessage) => m));

function shop() {
  Net.define({
    'shop.example': {
      latency: 50,
      bandwidth: 100_000, // 100 bytes per ms
      pages: {
        '/': { size: 5000 },
        '/gone': { behaviour: 'not_found' },
        '/busy': { behaviour: 'slow', size: 1000 },
        '/flaky': { behaviour: 'reset', size: 4000 },
        '/hang': { behaviour: 'timeout' },
        '/old': { behaviour: 'redirect', to: '/' },
        '/away': { behaviour: 'redirect', to: 'https://other.example/x' },
        '/loop': { behaviour: 'redirect', to: '/loop' },
      },
    },
    'other.example': { latency: 10, pages: { '/x': { body: 'hello' } } },
    'closed.example': { latency: 30, down: true },
  });
}

/** Runs `fn` with the shop defined and returns [its value, elapsed ms]. */
async function timed<T>(rt: Runtime, fn: () => Promise<T>): Promise<[T, number]> {
  return rt.run(async () => {
    shop();
    const t0 = now();
    const value = await fn();
    return [value, now() - t0] as [T, number];
  });
}

describe('Net.get', () => {
  it('answers 200 with the body after latency + size / bandwidth', async () => {
    const { rt } = virtualRuntime();
    const [[tag, res], ms] = await timed(rt, () => Net.get('https://shop.example/'));
    expect(tag).toBe('ok');
    expect(res).toMatchObject({ status: 200, size: 5000, url: 'https://shop.example/' });
    if (tag === 'ok') expect(res.body.length).toBe(5000);
    expect(ms).toBe(50 + 50);
  });

  it('answers 404 for a not_found page and for a path the host does not list', async () => {
    const { rt } = virtualRuntime();
    const [results] = await timed(rt, async () => [
      await Net.get('https://shop.example/gone'),
      await Net.get('https://shop.example/nowhere'),
    ]);
    for (const [tag, res] of results) {
      expect(tag).toBe('ok');
      expect(res).toMatchObject({ status: 404, body: 'Not Found' });
    }
  });

  it('a slow page takes slowFactor times longer', async () => {
    const { rt } = virtualRuntime();
    const [[tag], ms] = await timed(rt, () => Net.get('https://shop.example/busy'));
    expect(tag).toBe('ok');
    expect(ms).toBe((50 + 10) * 20);
  });

  it('a reset page fails with econnreset once half of the body has come', async () => {
    const { rt } = virtualRuntime();
    const [result, ms] = await timed(rt, () => Net.get('https://shop.example/flaky'));
    expect(result).toEqual(['error', 'econnreset']);
    expect(ms).toBe(50 + 20);
  });

  it('times out after the timeout option, and a response slower than it is a timeout too', async () => {
    const { rt } = virtualRuntime();
    const [results, ms] = await timed(rt, async () => [
      await Net.get('https://shop.example/hang', { timeout: 300 }),
      await Net.get('https://shop.example/', { timeout: 99 }),
      await Net.get('https://shop.example/', { timeout: 100 }),
    ]);
    expect(results[0]).toEqual(['error', 'timeout']);
    expect(results[1]).toEqual(['error', 'timeout']);
    expect(results[2]![0]).toBe('ok');
    expect(ms).toBe(300 + 99 + 100);
  });

  it("with timeout 'infinity', a page that never answers keeps the caller waiting", async () => {
    const { rt } = virtualRuntime();
    const [out, ms] = await timed(rt, async () => {
      const me = self();
      spawn(async () => {
        Process.send(me, [
          'got',
          await Net.get('https://shop.example/hang', { timeout: 'infinity' }),
        ]);
      });
      return receive(
        on(['got', _], (m) => m),
        after(60_000, () => 'still waiting'),
      );
    });
    expect(out).toBe('still waiting');
    expect(ms).toBe(60_000);
  });

  it('the default timeout is 5000 ms', async () => {
    const { rt } = virtualRuntime();
    const [result, ms] = await timed(rt, () => Net.get('https://shop.example/hang'));
    expect(result).toEqual(['error', 'timeout']);
    expect(ms).toBe(5000);
  });

  it('follows redirects, on the same host and to another, each hop costing its latency', async () => {
    const { rt } = virtualRuntime();
    const [[same, other], ms] = await timed(rt, async () => [
      await Net.get('https://shop.example/old'),
      await Net.get('https://shop.example/away'),
    ]);
    expect(same).toMatchObject(['ok', { status: 200, url: 'https://shop.example/', size: 5000 }]);
    expect(other).toMatchObject([
      'ok',
      { status: 200, url: 'https://other.example/x', body: 'hello' },
    ]);
    // /old: 50 + 50 + 50 ms body; /away: 50 + 10 + 5 bytes at 1 MB/s (0 ms).
    expect(ms).toBe(150 + 60);
  });

  it('returns the 301 when told not to follow, and stops a redirect loop', async () => {
    const { rt } = virtualRuntime();
    const [[plain, loop]] = await timed(rt, async () => [
      await Net.get('https://shop.example/old', { followRedirects: false }),
      await Net.get('https://shop.example/loop', { maxRedirects: 3 }),
    ]);
    expect(plain).toMatchObject(['ok', { status: 301, location: 'https://shop.example/' }]);
    expect(loop).toEqual(['error', 'too_many_redirects']);
  });

  it('an unknown host is nxdomain, a host that is down is econnrefused, a bad URL throws', async () => {
    const { rt } = virtualRuntime();
    const [out] = await timed(rt, async () => {
      let thrown: unknown = null;
      try {
        await Net.get('shop.example/');
      } catch (e) {
        thrown = e;
      }
      return {
        unknown: await Net.get('https://nowhere.example/'),
        down: await Net.get('https://closed.example/'),
        thrown,
      };
    });
    expect(out.unknown).toEqual(['error', 'nxdomain']);
    expect(out.down).toEqual(['error', 'econnrefused']);
    expect(out.thrown).toBeInstanceOf(ArgumentError);
    expect((out.thrown as Error).message).toMatch(/not a URL/);
  });

  it('rejects bad host definitions with a clear message', async () => {
    const { rt } = virtualRuntime();
    const errors = await rt.run(() => {
      const attempts = [
        () => Net.define({ 'a.example': { latency: -1 } }),
        () => Net.define({ 'a.example': { pages: { '/r': { behaviour: 'redirect' } } } }),
        () => Net.define({ 'a.example': { pages: { '/': { behaviour: 'bogus' as never } } } }),
        () => Net.define({ 'a.example': { pages: { nope: {} } } }),
      ];
      return attempts.map((f) => {
        try {
          f();
          return null;
        } catch (e) {
          return e instanceof ArgumentError ? e.message : 'other';
        }
      });
    });
    expect(errors[0]).toMatch(/latency/);
    expect(errors[1]).toMatch(/needs 'to'/);
    expect(errors[2]).toMatch(/behaviour/);
    expect(errors[3]).toMatch(/start with '\/'/);
  });

  it('throws outside a process', () => {
    expect(() => Net.get('https://shop.example/')).toThrow(/inside a process/);
  });

  it('keeps hosts per runtime', async () => {
    const a = virtualRuntime().rt;
    const b = virtualRuntime().rt;
    await a.run(() => shop());
    expect(await b.run(() => Net.hosts())).toEqual([]);
    expect(await a.run(() => Net.hosts())).toContain('shop.example');
  });

  it('works on the real clock, taking real time', async () => {
    const rt = createRuntime({ clock: 'real' });
    const started = Date.now();
    const [tag, ms] = await rt.run(async () => {
      Net.define({ 'rt.example': { latency: 40, pages: { '/': { size: 10 } } } });
      const t0 = now();
      const [tag] = await Net.get('https://rt.example/');
      return [tag, now() - t0];
    });
    expect(tag).toBe('ok');
    expect(ms).toBeGreaterThanOrEqual(39);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
  });
});

describe('Net.stream', () => {
  it('streams on the real clock too, each chunk taking real time', async () => {
    const rt = createRuntime({ clock: 'real' });
    const out = await rt.run(async () => {
      Net.define({
        'rt.example': { latency: 20, bandwidth: 50_000, pages: { '/': { size: 1000 } } },
      });
      const ref = Net.stream('https://rt.example/', { chunkSize: 500 });
      const t0 = now();
      const tags: string[] = [];
      for (;;) {
        Net.next(ref);
        const m = await nextOf(ref);
        tags.push(m[0]);
        if (m[0] === 'done') break;
      }
      return { tags, ms: now() - t0 };
    });
    expect(out.tags).toEqual(['response', 'chunk', 'chunk', 'done']);
    // 20 ms latency + 2 chunks of 500 bytes at 50 bytes/ms = 40 ms.
    expect(out.ms).toBeGreaterThanOrEqual(39);
  });

  it('a stream whose receiver died is closed at its next answer', async () => {
    const { rt } = virtualRuntime();
    const closed = await rt.run(async () => {
      shop();
      const reader = spawn(() => receive('never'));
      const ref = Net.stream('https://shop.example/', { to: reader });
      Net.next(ref, 3);
      Process.exit(reader, 'kill');
      await sleep(1000);
      try {
        Net.next(ref);
        return false;
      } catch (e) {
        return e instanceof ArgumentError;
      }
    });
    expect(closed).toBe(true);
  });

  it('sends nothing until asked, then exactly one message per ask, in order', async () => {
    const { rt } = virtualRuntime();
    const log = await rt.run(async () => {
      shop();
      const ref = Net.stream('https://shop.example/', { chunkSize: 2000 });
      const log: unknown[] = [];
      await sleep(10_000);
      log.push(['idle', messages().length]);
      for (;;) {
        const t0 = now();
        Net.next(ref);
        const m = await nextOf(ref);
        await sleep(1000); // a slow consumer: nothing may arrive meanwhile
        log.push([
          m[0],
          m[0] === 'chunk' ? m[2].length : m[2],
          now() - t0 - 1000,
          messages().length,
        ]);
        if (m[0] === 'done' || m[0] === 'error') break;
      }
      return log;
    });
    expect(log).toEqual([
      ['idle', 0],
      ['response', { status: 200, size: 5000, url: 'https://shop.example/', chunks: 3 }, 50, 0],
      ['chunk', 2000, 20, 0],
      ['chunk', 2000, 20, 0],
      ['chunk', 1000, 10, 0],
      ['done', { status: 200, size: 5000, url: 'https://shop.example/' }, 0, 0],
    ]);
  });

  it('asks add up and are answered one after the other', async () => {
    const { rt } = virtualRuntime();
    const tags = await rt.run(async () => {
      shop();
      const ref = Net.stream('https://shop.example/', { chunkSize: 2500 });
      Net.next(ref, 2);
      await sleep(10_000);
      const first = messages().map((m) => (m as StreamMessage)[0]);
      Net.next(ref, 10);
      await sleep(10_000);
      return [first, messages().map((m) => (m as StreamMessage)[0])];
    });
    expect(tags[0]).toEqual(['response', 'chunk']);
    expect(tags[1]).toEqual(['response', 'chunk', 'chunk', 'done']);
  });

  it('a reset stream delivers the chunks before the half, then an error, and is closed', async () => {
    const { rt } = virtualRuntime();
    const out = await rt.run(async () => {
      shop();
      const ref = Net.stream('https://shop.example/flaky', { chunkSize: 1000 });
      Net.next(ref, 100);
      await sleep(10_000);
      let again: unknown = null;
      try {
        Net.next(ref);
      } catch (e) {
        again = e;
      }
      return { tags: messages().map((m) => (m as StreamMessage)[0]), again };
    });
    expect(out.tags).toEqual(['response', 'chunk', 'chunk', 'error']);
    expect(out.again).toBeInstanceOf(ArgumentError);
  });

  it('a stream that never answers ends with a timeout error; an unknown host with nxdomain', async () => {
    const { rt } = virtualRuntime();
    const out = await rt.run(async () => {
      shop();
      const hang = Net.stream('https://shop.example/hang', { timeout: 700 });
      const t0 = now();
      Net.next(hang);
      const a = await nextOf(hang);
      const ms = now() - t0;
      const none = Net.stream('https://nowhere.example/');
      Net.next(none);
      return { a, ms, b: await nextOf(none), hang, none };
    });
    expect(out.a).toEqual(['error', out.hang, 'timeout']);
    expect(out.ms).toBe(700);
    expect(out.b).toEqual(['error', out.none, 'nxdomain']);
  });

  it('follows redirects and sends to another process when told', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      shop();
      const parent = self();
      const reader = spawn(async () => {
        const [, ref] = await receive<[string, Ref]>();
        const seen: unknown[] = [];
        for (;;) {
          Net.next(ref);
          const m = await nextOf(ref);
          seen.push(m[0] === 'chunk' ? m[2] : m[2]);
          if (m[0] !== 'response' && m[0] !== 'chunk') break;
        }
        Process.send(parent, ['seen', seen]);
      });
      const ref = Net.stream('https://shop.example/away', { to: reader });
      Process.send(reader, ['go', ref]);
      return receive(on(['seen', _], (m: [string, unknown[]]) => m[1]));
    });
    expect(got).toEqual([
      { status: 200, size: 5, url: 'https://other.example/x', chunks: 1 },
      'hello',
      { status: 200, size: 5, url: 'https://other.example/x' },
    ]);
  });

  it('cancel stops a stream; next on an unknown ref throws', async () => {
    const { rt } = virtualRuntime();
    const out = await rt.run(async () => {
      shop();
      const ref = Net.stream('https://shop.example/');
      Net.next(ref, 5);
      await sleep(55); // the head came at 50, the first chunk would come at 60
      Net.cancel(ref);
      await sleep(10_000);
      let thrown: unknown = null;
      try {
        Net.next(ref);
      } catch (e) {
        thrown = e;
      }
      return { n: messages().length, thrown };
    });
    expect(out.n).toBe(1);
    expect((out.thrown as Error).message).toMatch(/not an open stream/);
  });
});

/** One run of a small crawl, traced: the events in a printable form. */
async function tracedCrawl(seed: number, clock: 'virtual' | 'real' = 'virtual') {
  const rt = createRuntime({ clock });
  const events: string[] = [];
  rt.trace.subscribe((e: TraceEvent) => {
    const { seq, time, type, ...rest } = e;
    const kind = 'kind' in e ? e.kind : '-';
    events.push(`${seq} ${time} ${type} ${kind} ${inspect(rest).slice(0, 200)}`);
  });
  const results = await rt.run(async () => {
    Net.seed(seed);
    Net.define({
      'a.example': { latency: [10, 500], pages: { '/': { size: 300 } } },
      'b.example': { latency: [10, 500], pages: { '/': { size: 300 } } },
    });
    const me = self();
    for (const host of ['a', 'b', 'a', 'b'])
      spawn(async () => {
        const result: NetResult = await Net.get(`https://${host}.example/`);
        Process.send(me, ['got', host, result[0], now()]);
      });
    const out: unknown[] = [];
    for (let i = 0; i < 4; i++) out.push(await receive(on(['got', _, _, _], (m) => m)));
    return out;
  });
  return { results, events, rt };
}

describe('Net determinism and trace', () => {
  it('the same seed gives the same results and the same trace; another seed differs', async () => {
    const one = await tracedCrawl(7);
    const two = await tracedCrawl(7);
    const other = await tracedCrawl(8);
    expect(one.events.filter((e) => e.includes(' send net ')).length).toBe(4);
    expect(two.results).toEqual(one.results);
    expect(two.events).toEqual(one.events);
    expect(other.results).not.toEqual(one.results);
  });

  it('network traffic is traced as net messages from the host, with no process for the network', async () => {
    const { rt } = virtualRuntime();
    const kinds: string[] = [];
    rt.trace.subscribe((e) => {
      if (e.type === 'send') kinds.push(`${e.kind}:${e.from === null ? 'host' : 'proc'}`);
    });
    const procs = await rt.run(async () => {
      const before = processSnapshots(rt).length;
      shop();
      const ref = Net.stream('https://shop.example/', { chunkSize: 100 });
      for (;;) {
        Net.next(ref);
        const m = await nextOf(ref);
        if (m[0] === 'done') break;
      }
      return [before, processSnapshots(rt).length];
    });
    expect(kinds.filter((k) => k === 'net:host').length).toBe(1 + 50 + 1);
    expect(procs[1]).toBe(procs[0]);
  });

  it('useSites defines a hundred sites: fast ones answer, failing ones fail, in virtual time', async () => {
    const { rt } = virtualRuntime();
    const out = await rt.run(async () => {
      const sites = Net.useSites();
      const rows: [string, string, number][] = [];
      for (const site of sites) {
        const t0 = now();
        const [tag, res] = await Net.get(site.url, { timeout: 10_000 });
        rows.push([site.kind, tag === 'ok' && res.status === 200 ? 'up' : 'down', now() - t0]);
      }
      return { rows, hosts: Net.hosts().length };
    });
    expect(out.hosts).toBe(100);
    const kinds = (k: string) => out.rows.filter((r) => r[0] === k);
    expect(kinds('fast').length).toBe(70);
    expect(kinds('slow').length).toBe(20);
    expect(kinds('failing').length).toBe(10);
    expect(kinds('fast').every((r) => r[1] === 'up' && r[2] < 200)).toBe(true);
    expect(kinds('slow').every((r) => r[1] === 'up' && r[2] > 1000)).toBe(true);
    expect(kinds('failing').every((r) => r[1] === 'down')).toBe(true);
  });
});
