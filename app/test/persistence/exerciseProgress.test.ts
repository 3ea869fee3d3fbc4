import { describe, expect, it } from 'vitest';
import type { StorageLike } from '../../persistence/chapterStorage';
import {
  decodeExerciseProgress,
  exerciseProgressKey,
  readExerciseProgress,
  writeExerciseProgress,
} from '../../persistence/exerciseProgress';

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

describe('exercise progress in storage', () => {
  it('reads back the solved exercises and the own code that was written', () => {
    const storage = memoryStorage();
    const progress = { solved: ['greeter', 'loop'], own: { loop: 'const x = 1;' } };
    expect(writeExerciseProgress(storage, 'start', progress)).toBeNull();
    expect(readExerciseProgress(storage, 'start')).toEqual(progress);
    expect(readExerciseProgress(storage, 'links')).toEqual({ solved: [], own: {} });
  });

  it('removes the key once nothing is solved or set aside', () => {
    const storage = memoryStorage();
    writeExerciseProgress(storage, 'start', { solved: ['a'], own: {} });
    writeExerciseProgress(storage, 'start', { solved: [], own: {} });
    expect(storage.data.has(exerciseProgressKey('start'))).toBe(false);
  });

  it('reads unreadable or foreign data as no progress, keeping only well-formed entries', () => {
    expect(decodeExerciseProgress('{nope')).toEqual({ solved: [], own: {} });
    expect(decodeExerciseProgress('{"version":2,"solved":["a"]}')).toEqual({ solved: [], own: {} });
    expect(
      decodeExerciseProgress('{"version":1,"solved":["a",3,"a"],"own":{"a":"x","b":4}}'),
    ).toEqual({ solved: ['a'], own: { a: 'x' } });
  });

  it('says why a write failed instead of throwing', () => {
    const full: StorageLike = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {},
    };
    expect(writeExerciseProgress(full, 'start', { solved: ['a'], own: {} })).toBe(
      'QuotaExceededError',
    );
  });

  it('copies unreadable progress to a backup key before the first write replaces it', () => {
    const storage = memoryStorage();
    const foreign = '{"version":2,"solved":{"greeter":"2026-01-01"}}';
    storage.data.set(exerciseProgressKey('start'), foreign);
    expect(writeExerciseProgress(storage, 'start', { solved: ['loop'], own: {} })).toBeNull();
    const backups = [...storage.data].filter(([key]) =>
      key.startsWith('actorbook:backup:exercises:start:'),
    );
    expect(backups.map(([, value]) => value)).toEqual([foreign]);
    expect(readExerciseProgress(storage, 'start')).toEqual({ solved: ['loop'], own: {} });
    // Readable progress is simply replaced: no backup for it.
    writeExerciseProgress(storage, 'start', { solved: ['loop', 'more'], own: {} });
    expect([...storage.data.keys()].filter((key) => key.includes('backup'))).toHaveLength(1);
  });

  it('leaves unreadable progress in place, and says so, when it cannot be copied aside', () => {
    const storage = memoryStorage();
    storage.data.set(exerciseProgressKey('start'), '{broken');
    const refusing: StorageLike = {
      getItem: storage.getItem,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: storage.removeItem,
    };
    expect(writeExerciseProgress(refusing, 'start', { solved: [], own: {} })).toMatch(
      /could not be read nor copied aside \(QuotaExceededError\), so it was left as it was/,
    );
    expect(storage.data.get(exerciseProgressKey('start'))).toBe('{broken');
  });
});
