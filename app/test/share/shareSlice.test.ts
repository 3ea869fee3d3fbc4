/**
 * Receiving a share link in a real store: the notebook slice with an in-memory storage and the
 * share slice on top, as the chapter page drives them.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { StorageLike } from '../../persistence/chapterStorage';
import { chapterKey } from '../../persistence/chapterStorage';
import { decodeSavedChapter, fingerprint } from '../../persistence/savedChapter';
import type { SharedEdit } from '../../share/shareLink';
import { encodeShare } from '../../share/shareLink';
import type { ShareNotice } from '../../share/shareSlice';
import { ShareBanner } from '../../share/ShareBanner';
import { createAppStore } from '../../store/appStore';

class MemoryStorage implements StorageLike {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

const CELLS = [
  { id: 'greet', source: 'const greeting = "hi";' },
  { id: 'cell-2', source: 'greeting.length' },
  { id: 'counter', source: 'let count = 0;' },
];

const shared = (cellId: string, source: string, base?: string): SharedEdit => ({
  cellId,
  base: base ?? fingerprint(CELLS.find((cell) => cell.id === cellId)!.source),
  source,
});

function payload(edits: SharedEdit[], slug = 'start'): string {
  const encoded = encodeShare({ slug, edits });
  if (!encoded.ok) throw new Error('too big');
  return encoded.payload;
}

function open(savedEdits: Record<string, string> = {}) {
  const storage = new MemoryStorage();
  if (Object.keys(savedEdits).length > 0) {
    const edits = Object.fromEntries(
      Object.entries(savedEdits).map(([id, source]) => [
        id,
        { source, base: fingerprint(CELLS.find((cell) => cell.id === id)!.source) },
      ]),
    );
    storage.setItem(chapterKey('start'), JSON.stringify({ version: 1, edits, ran: [] }));
  }
  const store = createAppStore();
  store.getState().setPersistence(storage, { delayMs: 0 });
  store.getState().setShareStorage(storage);
  const runInRuntime = vi.fn(() => true);
  store.setState({ runInRuntime });
  store.getState().openNotebook('start', CELLS);
  const source = (id: string) => store.getState().notebooks['start']!.cells[id]!.source;
  return { store, storage, source, runInRuntime };
}

describe('receiving a share link', () => {
  it('puts the shared code in, marks those cells and runs nothing', () => {
    const { store, source, runInRuntime } = open();
    const receipt = store
      .getState()
      .receiveShare('start', payload([shared('greet', 'const greeting = "shared";')]));
    expect(receipt).toBe('applied');
    expect(source('greet')).toBe('const greeting = "shared";');
    expect(store.getState().sharedSources['start']).toEqual({
      greet: 'const greeting = "shared";',
    });
    expect(store.getState().shareNotices['start']).toMatchObject({ kind: 'applied' });
    expect(runInRuntime).not.toHaveBeenCalled();
    const cell = store.getState().notebooks['start']!.cells['greet']!;
    expect([cell.phase, cell.result, cell.outputs]).toEqual(['idle', null, []]);
  });

  it('saves the shared code like the reader’s own edits', () => {
    const { store, storage } = open();
    store.getState().receiveShare('start', payload([shared('counter', 'let count = 7;')]));
    store.getState().flushSaves();
    const saved = decodeSavedChapter(storage.getItem(chapterKey('start'))!);
    expect(saved.ok && saved.saved.edits['counter']?.source).toBe('let count = 7;');
  });

  it('asks before replacing the reader’s own edits and changes nothing until answered', () => {
    const { store, source } = open({ greet: 'const greeting = "mine";' });
    const receipt = store
      .getState()
      .receiveShare('start', payload([shared('greet', 'const greeting = "theirs";')]));
    expect(receipt).toBe('ask');
    expect(source('greet')).toBe('const greeting = "mine";');
    expect(store.getState().shareNotices['start']).toMatchObject({ kind: 'ask' });
    expect(store.getState().sharedSources['start']).toBeUndefined();
  });

  it('keeps the reader’s edits when they answer "keep mine"', () => {
    const { store, source } = open({ greet: 'const greeting = "mine";' });
    store
      .getState()
      .receiveShare(
        'start',
        payload([
          shared('greet', 'const greeting = "theirs";'),
          shared('counter', 'let count = 3;'),
        ]),
      );
    store.getState().keepOwnEdits('start');
    expect(source('greet')).toBe('const greeting = "mine";');
    expect(source('counter')).toBe('let count = 0;');
    expect(store.getState().shareNotices['start']).toMatchObject({ kind: 'kept' });
  });

  it('puts the shared code in on "use the shared ones", keeping the reader’s edits aside first', () => {
    const { store, storage, source } = open({ greet: 'const greeting = "mine";' });
    store
      .getState()
      .receiveShare('start', payload([shared('greet', 'const greeting = "theirs";')]));
    store.getState().acceptSharedEdits('start');
    expect(source('greet')).toBe('const greeting = "theirs";');
    const notice = store.getState().shareNotices['start'];
    expect(notice).toMatchObject({ kind: 'applied' });
    const key = notice?.kind === 'applied' ? notice.keptAside : null;
    expect(key).toMatch(/^actorbook:backup:start:/);
    const backup = decodeSavedChapter(storage.getItem(key!)!);
    expect(backup.ok && backup.saved.edits['greet']?.source).toBe('const greeting = "mine";');
  });

  it('still puts the shared code in when the copy of the reader’s edits fails, and says so', () => {
    const { store, storage, source } = open({ greet: 'const greeting = "mine";' });
    store
      .getState()
      .receiveShare('start', payload([shared('greet', 'const greeting = "theirs";')]));
    storage.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    store.getState().acceptSharedEdits('start');
    expect(source('greet')).toBe('const greeting = "theirs";');
    expect(store.getState().shareNotices['start']).toMatchObject({
      kind: 'applied',
      keptAside: null,
      asideFailed: true,
    });
  });

  it('does not put in an edit made for other chapter code, and says so', () => {
    const { store, source } = open();
    store
      .getState()
      .receiveShare('start', payload([shared('cell-2', 'greeting.size', fingerprint('older'))]));
    expect(source('cell-2')).toBe('greeting.length');
    const notice = store.getState().shareNotices['start'];
    expect(notice?.kind === 'applied' && notice.plan.changed).toEqual([
      { cellId: 'cell-2', number: 2, source: 'greeting.size' },
    ]);
  });

  it('leaves the chapter as it is with a note for a damaged link or one for another chapter', () => {
    const { store, source } = open();
    const good = payload([shared('greet', 'const greeting = "x";')]);
    expect(store.getState().receiveShare('start', good.slice(0, -20))).toBe('invalid');
    expect(store.getState().shareNotices['start']).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/incomplete/),
    });
    expect(
      store
        .getState()
        .receiveShare('start', payload([shared('greet', 'const greeting = "x";')], 'links')),
    ).toBe('invalid');
    expect(store.getState().shareNotices['start']).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/made for another chapter \(“links”\)/),
    });
    expect(source('greet')).toBe('const greeting = "hi";');
  });
});

/** The banner for a notice, as text (no store, no DOM). */
function banner(notice: ShareNotice) {
  const ignore = () => {};
  return createElement(ShareBanner, {
    notice,
    onAccept: ignore,
    onKeep: ignore,
    onDismiss: ignore,
  });
}

describe('the share banner', () => {
  it('shows hostile shared code and cell names as text, never as markup', () => {
    const hostile = '</script><img src=x onerror="alert(1)"><b>bold</b>';
    const html = renderToStaticMarkup(
      banner({
        kind: 'applied',
        keptAside: null,
        asideFailed: false,
        plan: {
          fitting: [],
          changed: [{ cellId: 'cell-2', number: 2, source: hostile }],
          missing: [{ cellId: 'x_img', number: null, source: `<script>alert(3)</script>` }],
        },
      }),
    );
    expect(html).not.toMatch(/<img|<script|<b>/);
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(html).toContain('&lt;script&gt;alert(3)&lt;/script&gt;');
  });

  it('asks the question with both answers while own edits are in the way', () => {
    const html = renderToStaticMarkup(
      banner({
        kind: 'ask',
        plan: {
          fitting: [
            { cellId: 'greet', number: 1, source: 'a', conflict: true },
            { cellId: 'counter', number: 3, source: 'b', conflict: false },
          ],
          changed: [],
          missing: [],
        },
      }),
    );
    expect(html).toContain('This link carries code for cells 1 and 3');
    expect(html).toContain('own edits in cell 1');
    expect(html).toContain('Keep mine');
    expect(html).toContain('Use the shared ones');
  });
});
