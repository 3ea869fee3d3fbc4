import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { createRuntime, receive, self, send, spawn } from '../index';

describe('uncompiled code with an async context (the Node aid)', () => {
  it('keeps self() right across awaits of plain promises between interleaving processes', async () => {
    const rt = createRuntime({ clock: 'virtual', asyncContext: new AsyncLocalStorage() });
    const got = await rt.run(async () => {
      const me = self();
      const worker = (delays: number[]) => async () => {
        const mine = self();
        const seen: boolean[] = [];
        for (const ms of delays) {
          await new Promise((resolve) => setTimeout(resolve, ms));
          seen.push(self() === mine);
        }
        send(me, seen);
      };
      spawn(worker([1, 6, 1]));
      spawn(worker([3, 1, 8]));
      return [await receive(), await receive()];
    });
    expect(got).toEqual([
      [true, true, true],
      [true, true, true],
    ]);
  });
});
