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
});
