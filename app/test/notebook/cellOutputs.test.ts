import { describe, expect, it } from 'vitest';
import type { RichOutput } from '../../engine/protocol';
import type { CellOutputItem } from '../../notebook/cellOutputs';
import { appendOutputItem, textLength } from '../../notebook/cellOutputs';

const text = (stream: 'stdout' | 'stderr', value: string): CellOutputItem => ({
  kind: 'text',
  stream,
  text: value,
});
const rich = (id: string, markdown: string): CellOutputItem => ({
  kind: 'rich',
  output: { kind: 'markdown', id, markdown } as RichOutput,
});
const appendAll = (items: CellOutputItem[], cap?: number, maxRich?: number) =>
  items.reduce<readonly CellOutputItem[]>(
    (list, item) => appendOutputItem(list, item, cap, maxRich),
    [],
  );

describe('appendOutputItem', () => {
  it('merges adjacent text of the same stream and keeps streams apart', () => {
    expect(
      appendAll([
        text('stdout', 'a'),
        text('stdout', 'b'),
        text('stderr', 'c'),
        text('stdout', 'd'),
      ]),
    ).toEqual([text('stdout', 'ab'), text('stderr', 'c'), text('stdout', 'd')]);
  });

  it('does not merge text across a rich output', () => {
    expect(appendAll([text('stdout', 'a'), rich('r1', '# one'), text('stdout', 'b')])).toEqual([
      text('stdout', 'a'),
      rich('r1', '# one'),
      text('stdout', 'b'),
    ]);
  });

  it('replaces a rich output with the same id in place, like an animation frame', () => {
    const items = appendAll([
      text('stdout', 'before'),
      rich('frame', 'one'),
      text('stdout', 'after'),
      rich('frame', 'two'),
      rich('other', 'x'),
      rich('frame', 'three'),
    ]);
    expect(items).toEqual([
      text('stdout', 'before'),
      rich('frame', 'three'),
      text('stdout', 'after'),
      rich('other', 'x'),
    ]);
  });

  it('drops the oldest text beyond the cap, cutting inside an item when needed', () => {
    const items = appendAll(
      [text('stdout', 'abcd'), text('stderr', 'efgh'), text('stdout', 'ij')],
      7,
    );
    expect(items).toEqual([text('stdout', 'd'), text('stderr', 'efgh'), text('stdout', 'ij')]);
    expect(textLength(items)).toBe(7);
  });

  it('keeps rich outputs when text is capped, and caps how many rich outputs stay', () => {
    const items = appendAll(
      [rich('a', '1'), text('stdout', 'xxxxxx'), rich('b', '2'), rich('c', '3')],
      3,
      2,
    );
    expect(items).toEqual([text('stdout', 'xxx'), rich('b', '2'), rich('c', '3')]);
  });

  it('ignores empty text and leaves the list as it was', () => {
    const before = appendAll([text('stdout', 'a')]);
    expect(appendOutputItem(before, text('stderr', ''))).toBe(before);
  });
});
