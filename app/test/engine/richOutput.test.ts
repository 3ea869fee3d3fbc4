import { describe, expect, it } from 'vitest';
import { checkRichOutput, isWidget } from '../../engine/richOutput';

const tree = (children: unknown[]) => ({
  key: 'pid:5',
  pidText: '#PID<0.5.0>',
  status: 'running',
  children,
});

describe('checkRichOutput', () => {
  it('accepts every kind of output in its documented shape', () => {
    const outputs = [
      { kind: 'markdown', id: 'm', markdown: '# hi' },
      { kind: 'table', id: 't', columns: ['a'], rows: [['1']], totalRows: 1 },
      { kind: 'mermaid', id: 'd', source: 'graph TD; A-->B' },
      {
        kind: 'tree',
        id: 'tr',
        pidText: '#PID<0.5.0>',
        root: tree([tree([])]),
        live: false,
        time: 0,
        note: null,
      },
      {
        kind: 'tree',
        id: 'tr2',
        pidText: '#PID<0.5.0>',
        root: null,
        live: false,
        time: 0,
        note: 'gone',
      },
      {
        kind: 'sequence',
        id: 's',
        items: [{ type: 'message', seq: 1, label: 'CALL' }],
        participants: [{ id: 1, title: 'counter' }],
        mermaid: 'sequenceDiagram\n',
        omitted: 0,
      },
      {
        kind: 'frame',
        id: 'f',
        index: 2,
        content: { kind: 'text', text: 'x' },
        state: 'running',
        note: null,
      },
      {
        kind: 'frame',
        id: 'f',
        index: 2,
        content: { kind: 'markdown', id: 'm', markdown: 'x' },
        state: 'stopped',
        note: 'done',
      },
      { kind: 'button', id: 'b', label: 'Go' },
      { kind: 'input', id: 'i', label: 'Name', initial: '' },
      { kind: 'select', id: 's', label: 'Pick', options: ['a', 'b'], initial: 'a' },
      { kind: 'notice', id: 'n', text: 'too many' },
    ];
    for (const output of outputs) expect(checkRichOutput(output), output.kind).toBeNull();
  });

  it('names the field that is wrong', () => {
    expect(checkRichOutput(null)).toMatch(/should be an object, got null/);
    expect(checkRichOutput({ kind: 'markdown', id: 'm', markdown: 3 })).toBe(
      '(markdown) "markdown" should be a string, got number 3',
    );
    expect(
      checkRichOutput({ kind: 'select', id: 's', label: 'x', options: [1], initial: '' }),
    ).toMatch(/"options" should hold strings only/);
    expect(
      checkRichOutput({
        kind: 'tree',
        id: 't',
        pidText: '',
        root: tree([{ key: 1 }]),
        live: true,
        time: 0,
        note: null,
      }),
    ).toMatch(/"root" "children" \[0\]\."key" should be a string/);
  });

  it('does not let a frame hold a widget or another frame', () => {
    const frame = (content: unknown) => ({
      kind: 'frame',
      id: 'f',
      index: 0,
      content,
      state: 'running',
      note: null,
    });
    expect(checkRichOutput(frame({ kind: 'button', id: 'b', label: 'x' }))).toMatch(
      /unknown kind "button"/,
    );
    expect(checkRichOutput(frame(frame({ kind: 'text', text: '' })))).toMatch(
      /unknown kind "frame"/,
    );
  });

  it('tells widgets from other outputs', () => {
    expect(isWidget({ kind: 'button', id: 'b', label: 'x' })).toBe(true);
    expect(isWidget({ kind: 'markdown', id: 'm', markdown: '' })).toBe(false);
  });
});
