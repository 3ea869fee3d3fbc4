import { describe, expect, it } from 'vitest';
import type { LocalChapterEntry } from '../../authoring/localChapters';
import {
  IMPORT_QUOTA_MESSAGE,
  LOCAL_INDEX_KEY,
  chapterTitleOf,
  keepingBoth,
  listLocalChapters,
  localChapterSlug,
  localIdFrom,
  localIdOfSlug,
  localTextKey,
  planImport,
  readLocalChapterText,
  removeLocalChapter,
  replacing,
  saveLocalChapter,
} from '../../authoring/localChapters';
import { chapterKey } from '../../persistence/chapterStorage';
import { exerciseProgressKey } from '../../persistence/exerciseProgress';
import { FakeStorage } from '../fixtures/fakeStorage';

const TEXT = '---\ntitle: Greeter\npart: 1\norder: 1\n---\n\n```ts\n1\n```\n';
const entry = (id: string, title = 'Greeter'): LocalChapterEntry => ({
  id,
  title,
  fileName: `${id}.md`,
  importedAt: 1,
});

describe('local chapters in storage', () => {
  it('stores the text as it is and lists the chapter first', () => {
    const storage = new FakeStorage();
    expect(saveLocalChapter(storage, entry('a', 'A'), 'first')).toBeNull();
    expect(saveLocalChapter(storage, entry('b', 'B'), TEXT)).toBeNull();
    expect(storage.getItem(localTextKey('b'))).toBe(TEXT);
    expect(readLocalChapterText(storage, 'b')).toBe(TEXT);
    expect(listLocalChapters(storage).entries.map((e) => e.id)).toEqual(['b', 'a']);
  });

  it('reports a full storage and leaves no half-imported chapter behind', () => {
    const storage = new FakeStorage();
    saveLocalChapter(storage, entry('a'), 'first');
    storage.full = true;
    expect(saveLocalChapter(storage, entry('b'), TEXT)).toBe(IMPORT_QUOTA_MESSAGE);
    expect(storage.getItem(localTextKey('b'))).toBeNull();
    expect(listLocalChapters(storage).entries.map((e) => e.id)).toEqual(['a']);
  });

  it('keeps the learner data of a chapter replaced by a new file, and its one entry', () => {
    const storage = new FakeStorage();
    saveLocalChapter(storage, entry('a'), 'old');
    storage.setItem(chapterKey(localChapterSlug('a')), '{"edits":1}');
    storage.setItem(exerciseProgressKey(localChapterSlug('a')), '{}');
    expect(saveLocalChapter(storage, { ...entry('a'), importedAt: 2 }, 'new')).toBeNull();
    expect(readLocalChapterText(storage, 'a')).toBe('new');
    expect(listLocalChapters(storage).entries).toEqual([{ ...entry('a'), importedAt: 2 }]);
    expect(storage.getItem(chapterKey(localChapterSlug('a')))).toBe('{"edits":1}');
    expect(storage.getItem(exerciseProgressKey(localChapterSlug('a')))).toBe('{}');
  });

  it('removes a chapter with its text and the learner data kept for it', () => {
    const storage = new FakeStorage();
    saveLocalChapter(storage, entry('a'), 'text a');
    saveLocalChapter(storage, entry('b'), 'text b');
    storage.setItem(chapterKey(localChapterSlug('a')), '{}');
    expect(removeLocalChapter(storage, 'a')).toBeNull();
    expect(listLocalChapters(storage).entries.map((e) => e.id)).toEqual(['b']);
    expect(storage.getItem(localTextKey('a'))).toBeNull();
    expect(storage.getItem(chapterKey(localChapterSlug('a')))).toBeNull();
    expect(readLocalChapterText(storage, 'b')).toBe('text b');
  });

  it('reports an unreadable list instead of overwriting it', () => {
    const storage = new FakeStorage();
    storage.setItem(LOCAL_INDEX_KEY, 'not json');
    const { entries, problem } = listLocalChapters(storage);
    expect(entries).toEqual([]);
    expect(problem).toMatch(/unreadable/);
    expect(saveLocalChapter(storage, entry('a'), 'x')).toMatch(/unreadable/);
    expect(storage.getItem(LOCAL_INDEX_KEY)).toBe('not json');
  });

  it('keeps local slugs apart from built chapter slugs', () => {
    expect(localChapterSlug('greeter')).toBe('yours/greeter');
    expect(localIdOfSlug('yours/greeter')).toBe('greeter');
    expect(localIdOfSlug('greeter')).toBeNull();
  });
});

describe('planning an import', () => {
  it('names the chapter after its file and takes its title from the front matter', () => {
    const plan = planImport([], '05-Greeter Demo.md', TEXT, 7);
    expect(plan).toEqual({
      entry: {
        id: 'greeter-demo',
        title: 'Greeter',
        fileName: '05-Greeter Demo.md',
        importedAt: 7,
      },
      conflict: null,
    });
  });

  it('falls back to the first heading, then the file name, for a file without front matter', () => {
    expect(chapterTitleOf('---\ntitle: Kept\npart: x\n---\n# Other', 'x.md')).toBe('Kept');
    expect(chapterTitleOf('# Hello there\n\ntext', 'x.md')).toBe('Hello there');
    expect(chapterTitleOf('just text', 'x.md')).toBe('x.md');
    expect(localIdFrom('!!!.md', '')).toBe('chapter');
  });

  it('finds a local chapter with the same id or the same title', () => {
    const existing = [entry('other', 'Greeter'), entry('greeter', 'Something')];
    expect(planImport([existing[0]!], 'greeter.md', TEXT, 1).conflict?.id).toBe('other');
    expect(planImport([existing[1]!], 'greeter.md', TEXT, 1).conflict?.id).toBe('greeter');
  });

  it('keeps both under a fresh id, or replaces the chapter it collides with', () => {
    const existing = [entry('greeter'), entry('greeter-2', 'Greeter (2)')];
    const plan = planImport(existing, 'greeter.md', TEXT, 1);
    expect(keepingBoth(plan, existing)).toMatchObject({ id: 'greeter-3', title: 'Greeter (3)' });
    const byTitle = planImport([entry('first')], 'greeter.md', TEXT, 1);
    expect(replacing(byTitle).id).toBe('first');
  });
});
