/**
 * The whole course as planned in CURRICULUM.md, written or not, so the table of contents can
 * show learners where the course is going and mark the chapters still to come. A written chapter
 * file takes the plan entry with its part and order (see tableOfContents.ts); the titles here are
 * only shown for chapters that do not exist yet.
 */

/** One planned chapter: `number` is what the contents show ("2.3"), `order` its place in the part. */
export interface PlannedChapter {
  readonly number: string;
  readonly part: number;
  readonly order: number;
  readonly title: string;
}

const plan = (part: number, titles: readonly string[], firstOrder = 1): PlannedChapter[] =>
  titles.map((title, index) => ({
    number: titles.length === 1 ? `${part}` : `${part}.${index + firstOrder}`,
    part,
    order: index + firstOrder,
    title,
  }));

export const COURSE_PLAN: readonly PlannedChapter[] = [
  ...plan(0, ['Start here'], 0),
  ...plan(1, [
    'Taking turns: concurrency, parallelism and schedulers',
    'Values that never change: immutability and copied messages',
  ]),
  ...plan(2, [
    'Inside a process: mailbox, heap and copying',
    'Spawning, sending and receiving',
    'Links and trapping exits',
    'Monitors and hibernation',
    'Group leaders and registered names',
  ]),
  ...plan(3, [
    'A counter server: callbacks and lifecycle',
    'A GenServer from scratch',
    'Servers at work: a password vault and a periodic job',
    'Answering later with GenServer.reply',
  ]),
  ...plan(4, ['Registry: names, dispatch and local pub/sub']),
  ...plan(5, [
    'Supervisors and child specs',
    'Restart strategies',
    'Restart values, restart intensity and shutdown',
    'DynamicSupervisor: children on demand',
    'PartitionSupervisor: spreading the load',
    'Scaling out slow-starting children',
  ]),
  ...plan(6, ['Building a download manager']),
  ...plan(7, [
    'Starting a task',
    'async, await and yield',
    'Many tasks at once with asyncStream',
    'Supervised tasks',
  ]),
  ...plan(8, ['Agents: state behind a function']),
  ...plan(9, ['Gotchas: lost sharing, calling yourself, endless mailboxes']),
  ...plan(10, [
    'Keeping a view responsive with tasks',
    'startAsync and AsyncResult',
    'Async results in a stream',
    'A syncing server for every view',
  ]),
];
