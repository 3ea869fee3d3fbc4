/** The course's chapter index, made at build time by scripts/chapterIndexPlugin.ts. */
declare module 'virtual:chapter-index' {
  /** Every chapter file's listing, in reading order (broken files last). */
  const index: readonly import('./chapterIndex').ChapterListing[];
  export default index;
}
