import { describe, expect, it } from 'vitest';
import { checkChapterInWorker } from '../../authoring/chapterCheckClient';
import type { ToWorker } from '../../engine/protocol';
import { FakeWorker, fakeChannel } from '../session/fakeWorker';

/** A stand-in worker on a fake channel: `answer` plays the worker host's side. */
function fakeWorker(answer: (message: ToWorker, reply: (data: unknown) => void) => void) {
  const worker = new FakeWorker();
  worker.onPosted = (message) => answer(message, (data) => worker.reply(data));
  setTimeout(() => worker.reply({ type: 'ready' }), 0);
  return {
    worker,
    sent: worker.posted,
    terminated: () => worker.terminated,
    options: { createWorker: () => worker, createChannel: fakeChannel },
  };
}

describe('checkChapterInWorker', () => {
  it('sends the chapter once the worker is ready, resolves with its report and ends the worker', async () => {
    const report = { kind: 'checked', failures: [] } as const;
    const fake = fakeWorker((message, reply) => {
      if (message.type === 'chapter/check') reply({ type: 'chapter/checked', checkId: 1, report });
    });
    const check = checkChapterInWorker('a.md', '# A', fake.options);
    await expect(check.report).resolves.toEqual(report);
    expect(fake.sent).toContainEqual({
      type: 'chapter/check',
      checkId: 1,
      fileName: 'a.md',
      text: '# A',
    });
    expect(fake.terminated()).toBe(true);
  });

  it('gives up on a worker that stops answering pings, and ends it', async () => {
    const fake = fakeWorker(() => {}); // never answers anything
    const check = checkChapterInWorker('a.md', '# A', {
      ...fake.options,
      pingIntervalMs: 5,
      hangTimeoutMs: 30,
    });
    await expect(check.report).rejects.toThrow('The check stopped answering and was ended');
    expect(fake.terminated()).toBe(true);
  });

  it('rejects a malformed answer instead of believing it', async () => {
    const fake = fakeWorker((message, reply) => {
      if (message.type === 'chapter/check') {
        reply({ type: 'chapter/checked', checkId: 1, report: { kind: 'nope' } });
      }
    });
    const check = checkChapterInWorker('a.md', '# A', fake.options);
    await expect(check.report).rejects.toThrow(/unknown kind "nope"/);
  });

  it('ignores a forged report a cell posts on the worker itself, and believes only the channel', async () => {
    const forged = { kind: 'checked', failures: [] } as const;
    const real = { kind: 'malformed', errors: [] } as const;
    const fake = fakeWorker((message, reply) => {
      if (message.type !== 'chapter/check') return;
      fake.worker.postFromCell({ type: 'chapter/checked', checkId: 1, report: forged });
      reply({ type: 'chapter/checked', checkId: 1, report: real });
    });
    const check = checkChapterInWorker('a.md', '# A', fake.options);
    await expect(check.report).resolves.toEqual(real);
    expect(fake.worker.handshakes).toHaveLength(1);
  });
});
