import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SaveStatus } from '../../persistence/chapterStorage';
import {
  ChapterAutosaver,
  QUOTA_MESSAGE,
  STORAGE_UNAVAILABLE,
  backupKey,
  chapterKey,
  flushWhenHidden,
  loadChapter,
  readChapterProgress,
} from '../../persistence/chapterStorage';
import type { SavedChapter } from '../../persistence/savedChapter';
import { decodeSavedChapter, encodeSavedChapter } from '../../persistence/savedChapter';
import { FakeStorage } from '../fixtures/fakeStorage';

const saved = (source: string, ran: string[] = []): SavedChapter => ({
  version: 1,
  edits: { a: { source, base: 'b' } },
  ran,
});

describe('saved chapter format', () => {
  it('round-trips a chapter through its stored text', () => {
    const chapter = saved('const x = 1', ['a', 'b']);
    expect(decodeSavedChapter(encodeSavedChapter(chapter))).toEqual({ ok: true, saved: chapter });
  });

  it.each([
    ['not json', '{oops', /not valid JSON/],
    ['another version', '{"version":2,"edits":{},"ran":[]}', /format version 2, not 1/],
    ['edits of the wrong shape', '{"version":1,"edits":{"a":{"source":3}},"ran":[]}', /cell a/],
    ['progress of the wrong shape', '{"version":1,"edits":{},"ran":"a"}', /progress/],
    ['an array', '[]', /not an object/],
  ])('rejects %s and says why', (_, raw, reason) => {
    const decoded = decodeSavedChapter(raw);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toMatch(reason);
  });
});

describe('loading a chapter', () => {
  it('reads what was saved', () => {
    const storage = new FakeStorage();
    storage.setItem(chapterKey('start'), encodeSavedChapter(saved('mine', ['a'])));
    expect(loadChapter(storage, 'start')).toEqual({
      saved: saved('mine', ['a']),
      problem: null,
      blocked: false,
    });
  });

  it('opens with nothing and no message when nothing was saved', () => {
    expect(loadChapter(new FakeStorage(), 'start')).toEqual({
      saved: null,
      problem: null,
      blocked: false,
    });
  });

  it('keeps corrupt data aside under a backup key and says where', () => {
    const storage = new FakeStorage();
    storage.setItem(chapterKey('start'), '{"version":1,"edits":');
    const at = Date.UTC(2026, 10, 21, 19, 0, 0);
    const loaded = loadChapter(storage, 'start', at);
    expect(loaded.saved).toBeNull();
    expect(loaded.blocked).toBe(false);
    expect(loaded.problem).toContain(backupKey('start', at));
    expect(storage.getItem(backupKey('start', at))).toBe('{"version":1,"edits":');
    expect(storage.getItem(chapterKey('start'))).toBeNull();
  });

  it('leaves corrupt data in place and blocks saving when it cannot be copied aside', () => {
    const storage = new FakeStorage();
    storage.setItem(chapterKey('start'), 'garbage');
    storage.full = true;
    const loaded = loadChapter(storage, 'start');
    expect(loaded).toMatchObject({ saved: null, blocked: true });
    expect(loaded.problem).toMatch(/left untouched/);
    expect(storage.getItem(chapterKey('start'))).toBe('garbage');
  });

  it('reports a browser without storage', () => {
    expect(loadChapter(null, 'start')).toEqual({
      saved: null,
      problem: STORAGE_UNAVAILABLE,
      blocked: true,
    });
  });
});

describe('the autosaver', () => {
  let storage: FakeStorage;
  let statuses: Array<[string, SaveStatus]>;
  let saver: ChapterAutosaver;

  beforeEach(() => {
    vi.useFakeTimers();
    storage = new FakeStorage();
    statuses = [];
    saver = new ChapterAutosaver({
      storage,
      onStatus: (slug, status) => statuses.push([slug, status]),
      delayMs: 300,
      retryMs: 5000,
    });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes once, 300 ms after the last of a burst of changes', () => {
    saver.schedule('start', saved('c'));
    vi.advanceTimersByTime(200);
    saver.schedule('start', saved('co'));
    vi.advanceTimersByTime(200);
    saver.schedule('start', saved('con'));
    vi.advanceTimersByTime(299);
    expect(storage.writes).toBe(0);
    vi.advanceTimersByTime(1);
    expect(storage.writes).toBe(1);
    expect(decodeSavedChapter(storage.getItem(chapterKey('start'))!)).toEqual({
      ok: true,
      saved: saved('con'),
    });
    expect(statuses.map(([, status]) => status.kind)).toEqual(['pending', 'saved']);
  });

  it('writes at once on flush (the page is being hidden)', () => {
    saver.schedule('start', saved('x'));
    saver.flush();
    expect(storage.writes).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(storage.writes).toBe(1);
  });

  it('keeps the edit and retries when storage is full, then saves once space frees', () => {
    storage.full = true;
    saver.schedule('start', saved('precious'));
    vi.advanceTimersByTime(300);
    expect(statuses.at(-1)).toEqual(['start', { kind: 'quota', message: QUOTA_MESSAGE }]);
    expect(saver.hasPending).toBe(true);

    vi.advanceTimersByTime(5000);
    expect(statuses.at(-1)?.[1].kind).toBe('quota');
    storage.full = false;
    vi.advanceTimersByTime(5000);
    expect(statuses.at(-1)).toEqual(['start', { kind: 'saved' }]);
    expect(storage.getItem(chapterKey('start'))).toContain('precious');
    expect(saver.hasPending).toBe(false);
  });

  it('removes the key when a chapter has nothing left to keep', () => {
    storage.setItem(chapterKey('start'), encodeSavedChapter(saved('x')));
    saver.schedule('start', { version: 1, edits: {}, ran: [] });
    saver.flush();
    expect(storage.getItem(chapterKey('start'))).toBeNull();
  });

  it('never writes a blocked chapter', () => {
    storage.setItem(chapterKey('start'), 'unreadable, kept in place');
    saver.block('start', 'kept in memory');
    saver.schedule('start', saved('x'));
    saver.flush();
    expect(storage.getItem(chapterKey('start'))).toBe('unreadable, kept in place');
    expect(statuses).toEqual([['start', { kind: 'blocked', message: 'kept in memory' }]]);
  });
});

describe('chapter progress for the table of contents', () => {
  it('counts the cells that ran, and reads unusable data as none', () => {
    const storage = new FakeStorage();
    storage.setItem(chapterKey('start'), encodeSavedChapter(saved('x', ['a', 'b', 'c'])));
    storage.setItem(chapterKey('broken'), 'nope');
    expect(readChapterProgress('start', storage)).toEqual({ run: 3 });
    expect(readChapterProgress('broken', storage)).toEqual({ run: 0 });
    expect(readChapterProgress('never', storage)).toEqual({ run: 0 });
    expect(readChapterProgress('start', null)).toEqual({ run: 0 });
  });
});

describe('flushing when the page goes away', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('writes pending saves on pagehide and when the page is hidden, not when it is shown', () => {
    const page = new EventTarget();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    vi.stubGlobal('window', page);
    vi.stubGlobal('document', doc);
    const saver = { flush: vi.fn() };
    const stop = flushWhenHidden(saver);

    doc.dispatchEvent(new Event('visibilitychange'));
    expect(saver.flush).not.toHaveBeenCalled();
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    page.dispatchEvent(new Event('pagehide'));
    expect(saver.flush).toHaveBeenCalledTimes(2);

    stop();
    page.dispatchEvent(new Event('pagehide'));
    expect(saver.flush).toHaveBeenCalledTimes(2);
  });
});
