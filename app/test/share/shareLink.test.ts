import { readFileSync } from 'node:fs';
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readChapter } from '../../engine/index';
import { chapterSegments } from '../../markdown/chapterSegments';
import type { NotebookState } from '../../notebook/notebookModel';
import { applyNotebookOp, openNotebook } from '../../notebook/notebookModel';
import { fingerprint } from '../../persistence/savedChapter';
import type { SharedEdits } from '../../share/shareLink';
import {
  MAX_SHARE_CHARS,
  MAX_SHARED_BYTES,
  SHARE_FORMAT_VERSION,
  decodeShare,
  encodeShare,
  shareFragment,
  sharePayloadOf,
} from '../../share/shareLink';
import { editsToShare } from '../../share/sharePlan';

const HOSTILE = '</script><img src=x onerror="alert(1)"><script>alert(2)</script>';

const sample: SharedEdits = {
  slug: 'start',
  edits: [
    { cellId: 'greet', base: fingerprint('const a = 1;'), source: 'const a = 2;\na * 21' },
    { cellId: 'cell-4', base: fingerprint('b'), source: `// ${HOSTILE}\n'ünïcødé ✓ 🎉'` },
  ],
};

function payloadOf(shared: SharedEdits): string {
  const encoded = encodeShare(shared);
  if (!encoded.ok) throw new Error(`expected a payload, got ${encoded.reason}`);
  return encoded.payload;
}

/** A payload made by hand around any JSON text, the way encodeShare wraps its own. */
function wrap(json: string, version = SHARE_FORMAT_VERSION): string {
  const bytes = deflateSync(new TextEncoder().encode(json));
  const data = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  return `${version}.${fingerprint(data)}.${data}`;
}

/** A real chapter's notebook with three cells edited as a learner would, exercise included. */
function genserverWithThreeEdits(): NotebookState {
  const text = readFileSync('chapters/31-genserver.md', 'utf8');
  const cells = chapterSegments(readChapter(text).blocks).filter(
    (segment) => segment.kind !== 'prose',
  );
  let notebook = openNotebook('genserver', cells, null);
  const edit = (cellId: string, change: (source: string) => string) => {
    const cell = notebook.cells[cellId];
    if (!cell) throw new Error(`the chapter has no cell ${cellId}`);
    notebook = applyNotebookOp(notebook, {
      type: 'edit',
      cellId,
      source: change(cell.source),
    }).state;
  };
  // The tank gets a capacity and refuses to overflow.
  edit('define', (source) =>
    source
      .replace(
        "return ['noreply', op === 'pour' ? litres + amount : litres - amount];",
        "const next = op === 'pour' ? Math.min(litres + amount, 50) : litres - amount;\n" +
          "    if (next === 50) IO.puts('the tank is full');\n" +
          "    return ['noreply', next];",
      )
      .replace(
        'init(litres: number) {',
        "init(litres: number) {\n    if (litres > 50) return ['stop', 'too_much'];",
      ),
  );
  edit('cell-11', (source) => `${source}\nIO.inspect(sys.getState(tank), { label: 'after' });`);
  // The learner's attempt at the exercise.
  edit('stack-server', (source) =>
    source
      .replace(
        "return ['reply', null, items];",
        "const [top, ...rest] = items;\n    return ['reply', top ?? null, rest];",
      )
      .replace("return ['noreply', items];", "return ['noreply', [request[1], ...items]];"),
  );
  return notebook;
}

describe('share link payloads', () => {
  it('reads back exactly the edits it was made from, unicode and markup included', () => {
    const decoded = decodeShare(payloadOf(sample));
    expect(decoded).toEqual({ ok: true, shared: sample });
  });

  it('keeps a real chapter with three edited cells, one an exercise attempt, under 2,000 characters', () => {
    const notebook = genserverWithThreeEdits();
    const edits = editsToShare(notebook);
    expect(edits.map((edit) => edit.cellId)).toEqual(['define', 'cell-11', 'stack-server']);
    const sourceChars = edits.reduce((sum, edit) => sum + edit.source.length, 0);
    const url = `https://example.org/courses/actorbook/chapters/genserver${shareFragment(payloadOf({ slug: 'genserver', edits }))}`;
    // Measured when this was written: 1,843 characters of code make a 1,178-character URL
    // (the payload alone: 1,115). The figure is in app/ARCHITECTURE.md ("Sharing").
    expect(sourceChars).toBeGreaterThan(1800);
    expect(url.length).toBeLessThan(2000);
    expect(url.length).toBeLessThan(sourceChars);
    const back = decodeShare(sharePayloadOf(new URL(url).hash)!);
    expect(back.ok && back.shared.edits).toEqual(edits);
  });

  it('says the edits are too big for a link past the limit, with the length they would need', () => {
    // Text that barely compresses: every line different.
    const source = Array.from(
      { length: 900 },
      (_, i) => `const v${i} = ${(i * 7919) % 104729}; // ${((i * 31337) % 99991).toString(36)}`,
    ).join('\n');
    const encoded = encodeShare({
      slug: 'start',
      edits: [{ cellId: 'greet', base: 'x', source }],
    });
    expect(encoded.ok).toBe(false);
    if (encoded.ok) return;
    expect(encoded.reason).toBe('too_big');
    expect(encoded.length).toBeGreaterThan(MAX_SHARE_CHARS);
  });

  it('finds the payload in a #share= fragment and nothing in other fragments', () => {
    expect(sharePayloadOf('#share=1.abc')).toBe('1.abc');
    expect(sharePayloadOf('share=1.abc')).toBe('1.abc');
    expect(sharePayloadOf('#cell-greet')).toBeNull();
    expect(sharePayloadOf('')).toBeNull();
    expect(shareFragment('1.abc')).toBe('#share=1.abc');
  });

  it('reads a link a mail program wrapped, a chat program percent-encoded or followed with a full stop', () => {
    const payload = payloadOf(sample);
    const wrapped = `${payload.slice(0, 40)}\n  ${payload.slice(40)}`;
    expect(decodeShare(wrapped).ok).toBe(true);
    expect(decodeShare(encodeURIComponent(payload).replace(/\./g, '%2E')).ok).toBe(true);
    expect(decodeShare(`${payload}.`).ok).toBe(true);
  });
});

describe('links that cannot be used', () => {
  it('says a link cut short is incomplete and how much of it arrived', () => {
    const payload = payloadOf(sample);
    const cut = payload.slice(0, payload.length - 10);
    const decoded = decodeShare(cut);
    expect(decoded).toMatchObject({ ok: false, problem: 'truncated' });
    const data = payload.split('.')[2]!;
    expect(!decoded.ok && decoded.message).toContain(
      `(${data.length - 10} of ${data.length} characters arrived)`,
    );
    for (const stub of ['1', '1.', '1.4f', '1.4f-x1']) {
      expect(decodeShare(stub), stub).toMatchObject({ ok: false, problem: 'truncated' });
    }
  });

  it('says a link whose characters were changed is damaged, not silently different code', () => {
    const payload = payloadOf(sample);
    const at = payload.length - 5;
    const flipped = payload[at] === 'A' ? 'B' : 'A';
    const changed = payload.slice(0, at) + flipped + payload.slice(at + 1);
    expect(decodeShare(changed)).toMatchObject({ ok: false, problem: 'corrupt' });
    expect(decodeShare('not a share link')).toMatchObject({ ok: false, problem: 'corrupt' });
    expect(decodeShare('1.3-zz.%%%')).toMatchObject({ ok: false, problem: 'corrupt' });
  });

  it('says a link of another format is from another version instead of reading it as garbage', () => {
    const decoded = decodeShare(payloadOf(sample).replace(/^1\./, '2.'));
    expect(decoded).toMatchObject({ ok: false, problem: 'version' });
    expect(!decoded.ok && decoded.message).toMatch(
      /made in format 2, and this site reads format 1/,
    );
    expect(decodeShare('7')).toMatchObject({ ok: false, problem: 'version' });
  });

  it('refuses a link longer than share links may be before unpacking anything', () => {
    const decoded = decodeShare(`1.${'a'.repeat(MAX_SHARE_CHARS + 100)}`);
    expect(decoded).toMatchObject({ ok: false, problem: 'oversized' });
    expect(!decoded.ok && decoded.message).toContain('at most 8,000');
  });

  it('stops unpacking a small link built to expand into more text than a link may carry', () => {
    const bomb = wrap(
      JSON.stringify({
        chapter: 'start',
        edits: [{ cell: 'greet', base: 'x', source: ' '.repeat(MAX_SHARED_BYTES * 4) }],
      }),
    );
    expect(bomb.length).toBeLessThan(MAX_SHARE_CHARS);
    expect(decodeShare(bomb)).toMatchObject({ ok: false, problem: 'oversized' });
  });

  it('says what is wrong with well-packed data of the wrong shape', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['just text', /not a list of cells/],
      [{ edits: [] }, /does not name its chapter/],
      [{ chapter: 'start', edits: {} }, /not a list of cells/],
      [{ chapter: 'start', edits: [{ cell: 'greet', source: 'x' }] }, /edit number 1 is not/],
      [{ chapter: 'start', edits: [{ cell: '<img>', base: 'x', source: 'x' }] }, /edit number 1/],
      [{ chapter: 'start', edits: [{ cell: 'a', base: 'x', source: 42 }] }, /edit number 1/],
      [
        {
          chapter: 'start',
          edits: [
            { cell: 'a', base: 'x', source: '1' },
            { cell: 'a', base: 'x', source: '2' },
          ],
        },
        /two edits for one cell/,
      ],
      [
        {
          chapter: 'start',
          edits: Array.from({ length: 201 }, (_, i) => ({ cell: `c${i}`, base: 'x', source: '' })),
        },
        /more than the 200/,
      ],
    ];
    for (const [data, message] of cases) {
      const decoded = decodeShare(wrap(JSON.stringify(data)));
      expect(decoded, JSON.stringify(data).slice(0, 80)).toMatchObject({
        ok: false,
        problem: 'corrupt',
      });
      expect(!decoded.ok && decoded.message).toMatch(message);
    }
    expect(decodeShare(wrap('{"chapter": '))).toMatchObject({ ok: false, problem: 'corrupt' });
  });

  it('carries hostile text as the text it is, for the page to show as code', () => {
    const decoded = decodeShare(payloadOf(sample));
    expect(decoded.ok && decoded.shared.edits[1]!.source).toBe(`// ${HOSTILE}\n'ünïcødé ✓ 🎉'`);
  });
});
