import { describe, expect, it } from 'vitest';
import { chapterSlugFromFile } from '../chapters/chapterSlug';

describe('chapterSlugFromFile', () => {
  it('drops the number prefix and the extension', () => {
    expect(chapterSlugFromFile('/chapters/00-start.md')).toBe('start');
    expect(chapterSlugFromFile('21-links-and-trapping-exits.md')).toBe('links-and-trapping-exits');
  });

  it('keeps a file name that has no number prefix', () => {
    expect(chapterSlugFromFile('chapters/appendix.md')).toBe('appendix');
  });

  it('ignores files that are not Markdown', () => {
    expect(chapterSlugFromFile('chapters/notes.txt')).toBeNull();
  });

  it('does not take the README that documents the chapter format for a chapter', () => {
    expect(chapterSlugFromFile('/chapters/README.md')).toBeNull();
  });
});
