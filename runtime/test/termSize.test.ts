import { describe, expect, it } from 'vitest';
import { Agent, ArgumentError, makeRef, Process, receive, self, send, spawn, Term } from '../index';
import type { Pid } from '../index';
import { virtualRuntime } from './helpers';

describe('Term sizes of leaves', () => {
  it('immediates take no words: small integers, atoms, pids', async () => {
    const { rt } = virtualRuntime();
    const pid = await rt.run(() => self());
    for (const v of [0, 42, -7, 2 ** 53 - 1, true, null, undefined, Symbol('a'), pid, 5n])
      expect(Term.flatSize(v)).toBe(0);
  });

  it('a float is boxed in 2 words; a big integer takes a header and its 64-bit digits', () => {
    expect(Term.flatSize(1.5)).toBe(2);
    expect(Term.flatSize(NaN)).toBe(2);
    expect(Term.flatSize(2n ** 59n)).toBe(2);
    expect(Term.flatSize(2n ** 64n)).toBe(3);
    expect(Term.flatSize(-(2n ** 130n))).toBe(4);
  });

  it('a ref takes 3 words', async () => {
    const { rt } = virtualRuntime();
    const ref = await rt.run(() => makeRef());
    expect(Term.flatSize(ref)).toBe(3);
    expect(Term.size([ref, ref])).toBe(3 + 3);
    expect(Term.flatSize([ref, ref])).toBe(3 + 6);
  });

  it('a short string is a heap binary of its UTF-8 bytes; a long one a 6-word reference', () => {
    expect(Term.flatSize('')).toBe(2);
    expect(Term.flatSize('abc')).toBe(3);
    expect(Term.flatSize('12345678')).toBe(3);
    expect(Term.flatSize('123456789')).toBe(4);
    // 'é' is 2 bytes, '€' 3 and an emoji 4 in UTF-8: 9 bytes in all.
    expect(Term.flatSize('é€😀')).toBe(4);
    expect(Term.flatSize('x'.repeat(64))).toBe(10);
    expect(Term.flatSize('x'.repeat(65))).toBe(6);
    expect(Term.flatSize('x'.repeat(100_000))).toBe(6);
  });
});

describe('Term sizes of containers', () => {
  it('an array is a tuple: a header and a word per element, plus its elements', () => {
    expect(Term.flatSize([])).toBe(1);
    expect(Term.flatSize(['ok', 1])).toBe(3 + 3);
    expect(Term.flatSize([1, [2, [3, []]]])).toBe(3 + 3 + 3 + 1);
    expect(Term.flatSize([1.5, 2.5])).toBe(3 + 2 + 2);
  });

  it('objects and Maps are maps: 4 words, 2 a pair, plus keys and values', () => {
    expect(Term.flatSize({})).toBe(4);
    expect(Term.flatSize({ a: 1, b: 2 })).toBe(8);
    expect(Term.flatSize(new Map())).toBe(4);
    expect(Term.flatSize(new Map([['key', 1.5]]))).toBe(6 + 3 + 2);
    expect(Term.flatSize(new Map([[1, { x: 1 }]]))).toBe(6 + 6);
    const big = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
    expect(Term.flatSize(big)).toBeGreaterThan(4 + 2 * 100);
  });

  it('a Set is a map of its members', () => {
    expect(Term.flatSize(new Set())).toBe(4);
    expect(Term.flatSize(new Set([1, 2, 3]))).toBe(10);
    expect(Term.flatSize(new Set(['abc']))).toBe(6 + 3);
  });

  it('grows with nesting depth: nested arrays add up level by level', () => {
    let term: unknown = [];
    for (let i = 0; i < 50; i++) term = [i, term];
    expect(Term.flatSize(term)).toBe(50 * 3 + 1);
    expect(Term.size(term)).toBe(Term.flatSize(term));
  });
});

describe('sharing', () => {
  it('size counts an object referenced twice once; flatSize twice', () => {
    const row = [1.5, 'a name', { id: 7 }];
    const table = [row, row, row, row];
    const rowWords = Term.flatSize(row);
    expect(rowWords).toBe(4 + 2 + 3 + 6);
    expect(Term.flatSize(table)).toBe(5 + 4 * rowWords);
    expect(Term.size(table)).toBe(5 + rowWords);
  });

  it('sharing is lost when a term is sent: the receiver holds flatSize words', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const shared = Array.from({ length: 10 }, (_, i) => i + 0.5);
      const message = [shared, shared, shared];
      const me = self();
      const echo = spawn(async () => {
        const m = await receive();
        send(me, ['got', Term.size(m), Term.flatSize(m)]);
      });
      send(echo, message);
      const [, afterSize, afterFlat] = (await receive()) as [string, number, number];
      return {
        before: [Term.size(message), Term.flatSize(message)],
        after: [afterSize, afterFlat],
      };
    });
    expect(got.before).toEqual([4 + 31, 4 + 3 * 31]);
    expect(got.after).toEqual([4 + 3 * 31, 4 + 3 * 31]);
  });

  it('a cycle has no flat size and cannot be sent; size counts each object once', async () => {
    const a: unknown[] = [1];
    a.push(a);
    expect(Term.size(a)).toBe(3);
    expect(() => Term.flatSize(a)).toThrow(ArgumentError);
    const { rt } = virtualRuntime();
    const sent = await rt.run(() => {
      try {
        send(self(), a);
        return 'sent';
      } catch (e) {
        return e instanceof ArgumentError ? 'refused' : 'other';
      }
    });
    expect(sent).toBe('refused');
  });
});

describe("Process.info(pid, 'memory')", () => {
  it('follows the size of what waits in the mailbox, not a count of messages', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const idle = spawn(() => receive(['never']));
      const memory = () => Process.info(idle, 'memory')[1] as number;
      const empty = memory();
      send(idle, 'hi');
      const oneSmall = memory();
      send(
        idle,
        Array.from({ length: 1000 }, (_, i) => i),
      );
      const oneBig = memory();
      return { empty, oneSmall, oneBig };
    });
    // 'hi' is 3 words plus a 3-word message header; 1000 integers in a tuple are 1001 words.
    expect(got.oneSmall - got.empty).toBe((3 + 3) * 8);
    expect(got.oneBig - got.oneSmall).toBe((1001 + 3) * 8);
  });

  it('a queued message is a copy: its shared parts count once per reference', async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const idle = spawn(() => receive(['never']));
      const memory = () => Process.info(idle, 'memory')[1] as number;
      const part = Array.from({ length: 100 }, (_, i) => i);
      const base = memory();
      send(idle, [part, part]);
      return { grew: memory() - base, size: Term.size([part, part]) };
    });
    expect(got.size).toBe(3 + 101);
    expect(got.grew).toBe((3 + 2 * 101 + 3) * 8);
  });

  it("follows an agent's state and its dictionary", async () => {
    const { rt } = virtualRuntime();
    const got = await rt.run(async () => {
      const [, agent] = (await Agent.startLink(() => [])) as ['ok', Pid];
      const memory = () => Process.info(agent, 'memory')[1] as number;
      const before = memory();
      await Agent.update(agent, () => Array.from({ length: 500 }, (_, i) => i));
      const after = memory();
      const me = self();
      const worker = (put: boolean) =>
        spawn(async () => {
          if (put) Process.put('cache', 'x'.repeat(10));
          send(me, 'ready');
          await receive(['never']);
        });
      const plain = worker(false);
      await receive('ready');
      const withDict = worker(true);
      await receive('ready');
      const dict =
        (Process.info(withDict, 'memory')[1] as number) -
        (Process.info(plain, 'memory')[1] as number);
      return { before, after, dict };
    });
    expect(got.after - got.before).toBe((501 - 1) * 8);
    // 'cache' (5 bytes: 2 + 1 words) and a 10-byte string (2 + 2 words), in a {key, value}
    // tuple in a list (5 words).
    expect(got.dict).toBe((3 + 4 + 5) * 8);
  });
});
