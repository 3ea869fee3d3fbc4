/** The course's parts, by number, as the table of contents names them (see CURRICULUM.md). */
const PART_NAMES: Readonly<Record<number, string>> = {
  0: 'Start',
  1: 'Concurrency',
  2: 'Processes',
  3: 'GenServer',
  4: 'Registry',
  5: 'Supervision',
  6: 'Project: a download manager',
  7: 'Tasks',
  8: 'Agents',
  9: 'Gotchas',
  10: 'Async work behind a live view',
};

/** The heading of a part in the table of contents, e.g. "Part 2 · Processes". */
export function partHeading(part: number): string {
  const name = PART_NAMES[part];
  return name === undefined ? `Part ${part}` : `Part ${part} · ${name}`;
}
