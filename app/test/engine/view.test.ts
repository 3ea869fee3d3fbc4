import * as esbuild from 'esbuild-wasm';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createRuntime } from '../../../runtime/index';
import { NotebookEngine } from '../../engine/notebookEngine';
import type { RichOutput, ViewOutput } from '../../engine/richOutput';
import type { Socket, ViewApi } from '../../engine/view';
import { checkRichOutput } from '../../engine/richOutput';
import type { ViewNode } from '../../engine/viewTree';
import { applyViewPatches, viewText } from '../../engine/viewTree';
import { appendOutputItem } from '../../notebook/cellOutputs';
import type { CellOutputItem } from '../../notebook/cellOutputs';

const transform = async (source: string) =>
  (await esbuild.transform(source, { loader: 'ts', format: 'esm', target: 'es2022' })).code;

/** A virtual-time notebook; rich outputs go through the page's validator and output list. */
function notebook() {
  const runtime = createRuntime({ clock: 'virtual' });
  const text: string[] = [];
  const sent: ViewOutput[] = [];
  let page: readonly CellOutputItem[] = [];
  const engine = new NotebookEngine({
    runtime,
    transform,
    timeOnlyInCells: true,
    onOutput: ({ text: t }) => text.push(t),
    onRich: ({ output }) => {
      expect(checkRichOutput(output)).toBeNull();
      const copied = structuredClone(output) as RichOutput;
      if (copied.kind === 'view') sent.push(copied);
      page = appendOutputItem(page, { kind: 'rich', output: copied });
    },
  });
  let cells = 0;
  // Each run is a new cell: running the view's cell again would stop the view.
  const run = async (source: string) => {
    const result = await engine.runCell(`c${cells++}`, source);
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    return result.value;
  };
  /** The view the page shows after applying what arrived. */
  const pageView = (): ViewOutput => {
    const item = page.find((i) => i.kind === 'rich' && i.output.kind === 'view');
    if (!item || item.kind !== 'rich' || item.output.kind !== 'view') throw new Error('no view');
    return item.output;
  };
  return { engine, run, text, sent, pageView };
}

beforeAll(async () => {
  await transform('const warm = 1;');
}, 60_000);

const COUNTER = `
const Counter = {
  name: 'Counter',
  mount(params, socket) { return View.assign(socket, { count: params.start }); },
  handleEvent(event, payload, socket) {
    if (event === 'inc') return View.assign(socket, { count: socket.assigns.count + Number(payload.by ?? 1) });
    if (event === 'boom') throw new Error('boom in handleEvent');
    return socket;
  },
  handleInfo(msg, socket) { return View.assign(socket, { count: msg }); },
  render(a) {
    return View.h('div', {},
      View.h('p', {}, 'Count: ', a.count),
      View.h('button', { onClick: 'inc' }, 'Add'),
      View.h('button', { onClick: 'inc', values: { by: 10 } }, 'Add ten'),
      View.h('button', { onClick: 'boom' }, 'Crash'));
  },
};
const v = View.start(Counter, { start: 5 });
`;

describe('mount, events and render', () => {
  it('mounts with params, handles clicks and messages, and the page follows the patches', async () => {
    const nb = notebook();
    await nb.run(COUNTER);
    expect(await nb.run('await View.text(v)')).toBe(`'Count: 5\\nAdd Add ten Crash'`);
    await nb.run(`await View.click(v, 'Add'); await View.click(v, 'Add ten');`);
    expect(await nb.run('await View.text(v)')).toContain('Count: 16');
    await nb.run(`send(View.pid(v), 40); await sleep(1);`);
    expect(await nb.run('(await View.text(v)).split("\\n")[0]')).toBe(`'Count: 40'`);
    // First a full tree, then patches only; the page's tree equals the view's.
    expect(nb.sent[0]!.tree).not.toBeNull();
    expect(nb.sent.slice(1).every((o) => o.patches !== null && o.tree === null)).toBe(true);
    expect(viewText(nb.pageView().tree!)).toBe('Count: 40\nAdd Add ten Crash');
    expect(nb.pageView().version).toBe(nb.sent.length);
  });

  it('a page event reaches handleEvent only when the tree binds it', async () => {
    const nb = notebook();
    await nb.run(COUNTER);
    await nb.run('await View.text(v)');
    const id = nb.pageView().id;
    expect(
      nb.engine.widgetEvent('c0', id, JSON.stringify({ event: 'inc', payload: { by: '2' } })),
    ).toBe(true);
    nb.engine.widgetEvent('c0', id, JSON.stringify({ event: 'reset', payload: {} }));
    nb.engine.widgetEvent('c0', id, 'not json');
    expect(await nb.run('(await View.text(v)).split("\\n")[0]')).toBe(`'Count: 7'`);
  });

  it('a click sends a patch much smaller than the tree', async () => {
    const nb = notebook();
    await nb.run(`
      const List = {
        mount(_p, s) { return View.assign(s, { items: Array.from({ length: 100 }, (_, i) => 'item ' + i), n: 0 }); },
        handleEvent(_e, _p, s) { return View.assign(s, { n: s.assigns.n + 1 }); },
        render(a) {
          return View.h('div', {}, View.h('p', {}, 'Clicks: ', a.n), View.h('button', { onClick: 'go' }, 'Go'),
            View.h('ul', {}, a.items.map((t) => View.h('li', { key: t }, t))));
        },
      };
      const v = View.start(List);
      await View.click(v, 'go');`);
    const full = JSON.stringify(nb.sent[0]!.tree).length;
    const patch = JSON.stringify(nb.sent[1]!.patches).length;
    expect(patch * 20).toBeLessThan(full);
    expect(nb.sent[1]!.patches).toEqual([{ op: 'replace', path: [0, 1], node: '1' }]);
  });
});

describe('crash and remount', () => {
  it('a crashing callback remounts the view with fresh state and the cell says so', async () => {
    const nb = notebook();
    await nb.run(COUNTER);
    await nb.run(`await View.click(v, 'inc'); await View.click(v, 'Crash');`);
    expect(await nb.run('(await View.text(v)).split("\\n")[0]')).toBe(`'Count: 5'`);
    expect(nb.text.join('')).toContain(
      'View Counter crashed: Error: boom in handleEvent; remounted with fresh state.',
    );
  });

  it('gives up after more than 3 crashes in 5 seconds', async () => {
    const nb = notebook();
    await nb.run(COUNTER);
    await nb.run(`for (let i = 0; i < 4; i++) await View.click(v, 'Crash');`);
    await nb.run('await sleep(10)');
    expect(nb.text.join('')).toContain('crashed 4 times in 5 s and was not restarted');
    expect(nb.pageView().note).toContain('was not restarted');
    expect(nb.pageView().live).toBe(false);
  });

  it('is live while its process runs, and says it is not once it stops for good', async () => {
    const nb = notebook();
    await nb.run(COUNTER);
    expect(nb.pageView().live).toBe(true);
    await nb.run(`await View.click(v, 'Crash'); await sleep(10)`);
    // A crash remounts: still live.
    expect(nb.pageView().live).toBe(true);
    await nb.run(`Process.exit(View.pid(v), 'shutdown'); await sleep(10)`);
    expect(nb.pageView().note).toContain('The view stopped');
    expect(nb.pageView().live).toBe(false);
    expect(nb.pageView().tree).not.toBeNull();
  });
});

describe('escaping and allow-lists', () => {
  it('assigns holding markup render as text', async () => {
    const nb = notebook();
    await nb.run(`
      const v = View.start({ mount: (_p, s) => View.assign(s, { name: '<img src=x onerror=alert(1)>' }),
        render: (a) => View.h('p', {}, 'Hello ', a.name) });`);
    expect(await nb.run('await View.text(v)')).toBe(`'Hello <img src=x onerror=alert(1)>'`);
    expect(JSON.stringify(nb.pageView().tree)).not.toContain('"tag":"img"');
  });

  it('refuses on* attributes, javascript: links, unsafe styles and unknown tags', async () => {
    const nb = notebook();
    const fails = async (code: string) => {
      const r = await nb.engine.runCell('c', code);
      return r.status === 'error' ? r.message : `no error: ${JSON.stringify(r)}`;
    };
    expect(await fails(`View.h('img', { src: 'x' })`)).toMatch(/tag 'img' is not allowed/);
    expect(await fails(`View.h('div', { onerror: 'alert(1)' })`)).toMatch(/onerror is not allowed/);
    expect(await fails(`View.h('button', { onClick: () => 1 })`)).toMatch(/not a function/);
    expect(await fails(`View.h('a', { href: 'javascript:alert(1)' })`)).toMatch(/not an http/);
    expect(await fails(`View.h('a', { href: 'java\\tscript:alert(1)' })`)).toMatch(/control/);
    expect(await fails(`View.h('p', { style: 'background: url(x)' })`)).toMatch(/not allowed/);
    expect(await fails(`View.h('p', { style: 'position: fixed' })`)).toMatch(/position/);
    expect(await fails(`View.h('input', { type: 'image' })`)).toMatch(/type "image"/);
    expect(await fails(`View.h('form', { name: 'cookie' })`)).toMatch(
      /name is not allowed on <form>/,
    );
    expect(
      await fails(`View.h('p', { style: { color: 'red', fontWeight: 'bold' } }).attrs.style`),
    ).toMatch(/no error/);
  });

  it('the page refuses a forged output with a script tag or an event attribute', () => {
    const base = {
      kind: 'view',
      id: 'v',
      name: 'X',
      version: 1,
      patches: null,
      note: null,
      live: true,
    };
    const el = (tag: string, attrs: Record<string, string>) => ({
      tag,
      attrs,
      on: {},
      values: {},
      key: null,
      children: [],
    });
    expect(checkRichOutput({ ...base, tree: el('script', {}) })).toMatch(/not allowed/);
    expect(checkRichOutput({ ...base, tree: el('div', { onclick: 'x' }) })).toMatch(/not allowed/);
    expect(checkRichOutput({ ...base, tree: el('a', { href: 'javascript:x' }) })).toMatch(
      /not an http/,
    );
    expect(
      checkRichOutput({
        ...base,
        tree: null,
        patches: [{ op: 'insert', path: [], index: 0, node: el('iframe', {}) }],
      }),
    ).toMatch(/not allowed/);
    expect(checkRichOutput({ ...base, tree: el('div', { class: 'ok' }) })).toBeNull();
  });
});

describe('async work', () => {
  const ASYNC = `
    const Loader = {
      name: 'Loader',
      mount(_p, s) { return View.assign(s, { status: 'idle' }); },
      handleEvent(event, _p, s) {
        if (event === 'load') return View.startAsync(View.assign(s, { status: 'loading' }), 'load', async () => { await sleep(100); return 42; });
        if (event === 'fail') return View.startAsync(View.assign(s, { status: 'loading' }), 'load', async () => { await sleep(100); throw new Error('no luck'); });
        if (event === 'cancel') return View.cancelAsync(s, 'load');
        return s;
      },
      handleAsync(name, result, s) {
        return View.assign(s, { status: name + ': ' + (result[0] === 'ok' ? 'ok ' + result[1] : 'exit ' + inspect(result[1])) });
      },
      render(a) {
        return View.h('div', {}, View.h('p', {}, a.status), View.h('button', { onClick: 'load' }, 'Load'),
          View.h('button', { onClick: 'fail' }, 'Fail'), View.h('button', { onClick: 'cancel' }, 'Cancel'));
      },
    };
    const v = View.start(Loader);`;
  const first = `(await View.text(v)).split('\\n')[0]`;

  it('startAsync reports ok, a throw as an exit that leaves the view alive, cancel as an exit', async () => {
    const nb = notebook();
    await nb.run(ASYNC);
    await nb.run(`await View.click(v, 'load')`);
    expect(await nb.run(first)).toBe(`'loading'`);
    await nb.run('await sleep(150)');
    expect(await nb.run(first)).toBe(`'load: ok 42'`);
    await nb.run(`globalThis.before = View.pid(v); await View.click(v, 'fail'); await sleep(150)`);
    expect(await nb.run(first)).toMatch(/^'load: exit .*no luck/);
    expect(await nb.run('View.pid(v) === globalThis.before')).toBe('true');
    await nb.run(`await View.click(v, 'load'); await View.click(v, 'cancel'); await sleep(150)`);
    expect(await nb.run(`${first}.startsWith("load: exit ['shutdown', 'cancel']")`)).toBe('true');
  });

  it('a later startAsync with the same name wins', async () => {
    const nb = notebook();
    await nb.run(`
      const V = {
        mount(_p, s) {
          s = View.startAsync(s, 'x', async () => { await sleep(50); return 'first'; });
          s = View.startAsync(s, 'x', async () => { await sleep(100); return 'second'; });
          return View.assign(s, { got: [] });
        },
        handleAsync(_n, r, s) { return View.assign(s, { got: [...s.assigns.got, r[1]] }); },
        render: (a) => View.h('p', {}, a.got.join(',')),
      };
      const v = View.start(V); await sleep(200);`);
    expect(await nb.run('await View.text(v)')).toBe(`'second'`);
  });

  it('assignAsync goes loading, then ok or failed', async () => {
    const nb = notebook();
    await nb.run(`
      const show = (r) => r.loading ? 'loading' : r.failed ? 'failed ' + inspect(r.failed) : 'ok ' + r.result;
      const V = {
        mount(_p, s) { return View.assignAsync(s, ['user', 'count'], async () => { await sleep(50); return ['ok', { user: 'ada', count: 3 }]; }); },
        handleEvent(e, _p, s) {
          if (e === 'err') return View.assignAsync(s, 'user', async () => ['error', 'not_found']);
          return View.assignAsync(s, 'user', async () => 'oops');
        },
        render: (a) => View.h('div', {}, View.h('p', {}, show(a.user)), View.h('p', {}, show(a.count)),
          View.h('button', { onClick: 'err' }, 'E'), View.h('button', { onClick: 'bad' }, 'B')),
      };
      const v = View.start(V);`);
    expect(await nb.run('await View.text(v)')).toBe(`'loading\\nloading\\nE B'`);
    await nb.run('await sleep(60)');
    expect(await nb.run('await View.text(v)')).toBe(`'ok ada\\nok 3\\nE B'`);
    await nb.run(`await View.click(v, 'err'); await sleep(1)`);
    expect(await nb.run(`(await View.text(v)).startsWith("failed ['error', 'not_found']")`)).toBe(
      'true',
    );
    await nb.run(`await View.click(v, 'bad'); await sleep(1)`);
    expect(
      await nb.run(
        `(await View.text(v)).startsWith("failed ['exit', ArgumentError('assignAsync expected")`,
      ),
    ).toBe('true');
  });
});

describe('streams and forms', () => {
  it('stream, streamInsert and streamDelete change the list; an insert sends one item', async () => {
    const nb = notebook();
    await nb.run(`
      const V = {
        mount(_p, s) { return View.stream(s, 'jobs', [{ id: 1, state: 'ok' }, { id: 2, state: 'loading' }]); },
        handleEvent(e, p, s) {
          if (e === 'add') return View.streamInsert(s, 'jobs', { id: Number(p.id), state: 'loading' }, { at: 0 });
          if (e === 'done') return View.streamInsert(s, 'jobs', { id: 2, state: 'ok' });
          return View.streamDelete(s, 'jobs', 1);
        },
        render: (a) => View.h('div', {},
          View.h('ul', {}, a.streams.jobs.map(([dom, job]) => View.h('li', { key: dom }, dom, ': ', job.state))),
          View.h('button', { onClick: 'add', values: { id: 3 } }, 'Add'),
          View.h('button', { onClick: 'done' }, 'Done'),
          View.h('button', { onClick: 'del' }, 'Del')),
      };
      const v = View.start(V);`);
    await nb.run(`await View.click(v, 'add')`);
    const insert = nb.sent.at(-1)!.patches!;
    expect(insert).toEqual([
      {
        op: 'insert',
        path: [0],
        index: 0,
        node: expect.objectContaining({ tag: 'li', key: 'jobs-3' }),
      },
    ]);
    await nb.run(`await View.click(v, 'done'); await View.click(v, 'del')`);
    expect(await nb.run('await View.text(v)')).toBe(
      `'jobs-3: loading\\njobs-2: ok\\nAdd Done Del'`,
    );
    expect(viewText(nb.pageView().tree!)).toBe('jobs-3: loading\njobs-2: ok\nAdd Done Del');
  });

  it('View.submit sends the form fields, typed values over the rendered ones', async () => {
    const nb = notebook();
    await nb.run(`
      const V = {
        mount: (_p, s) => View.assign(s, { said: '' }),
        handleEvent: (_e, p, s) => View.assign(s, { said: p.name + '/' + p.mood }),
        render: (a) => View.h('form', { onSubmit: 'save' },
          View.h('input', { name: 'name', value: 'ada' }), View.h('input', { name: 'mood', value: 'calm' }),
          View.h('button', { type: 'submit' }, 'Save'), View.h('p', {}, a.said)),
      };
      const v = View.start(V);
      await View.submit(v, 'save', { mood: 'glad' });`);
    expect(await nb.run('(await View.text(v)).split("\\n").at(-1)')).toBe(`'ada/glad'`);
  });
});

describe('patches', () => {
  it('applying the diff of any two trees gives the second tree', async () => {
    const { diffView } = await import('../../engine/viewTree');
    const el = (tag: string, key: string | null, children: ViewNode[], attrs = {}) => ({
      tag,
      attrs,
      on: {},
      values: {},
      key,
      children,
    });
    const li = (k: string, t = k) => el('li', k, [t]);
    const pairs: [ViewNode, ViewNode][] = [
      [
        el('ul', null, [li('a'), li('b'), li('c')]),
        el('ul', null, [li('b'), li('d'), li('c', 'C')]),
      ],
      [el('ul', null, [li('a'), li('b')]), el('ul', null, [li('b'), li('a')])],
      [
        el('div', null, ['x', el('p', null, ['y'])]),
        el('div', null, [el('p', null, ['y'], { class: 'k' })]),
      ],
      [el('div', null, []), el('span', null, ['z'])],
    ];
    for (const [a, b] of pairs) expect(applyViewPatches(a, diffView(a, b))).toEqual(b);
    expect(
      applyViewPatches(el('div', null, []), [{ op: 'remove', path: [], index: 3 }]),
    ).toBeNull();
  });
});

describe('the page applies patches only to the version before', () => {
  it('applies in order, and a patch that skips a version leaves a note, not a wrong tree', () => {
    const el = (children: ViewNode[]) => ({
      tag: 'p',
      attrs: {},
      on: {},
      values: {},
      key: null,
      children,
    });
    const out = (version: number, tree: ViewNode | null, patches: ViewOutput['patches']) => ({
      kind: 'rich' as const,
      output: {
        kind: 'view' as const,
        id: 'v',
        name: 'V',
        version,
        tree,
        patches,
        note: null,
        live: true,
      },
    });
    let items: readonly CellOutputItem[] = appendOutputItem([], out(1, el(['a']), null));
    items = appendOutputItem(items, out(2, null, [{ op: 'replace', path: [0], node: 'b' }]));
    const shown = (i: readonly CellOutputItem[]) => (i[0] as { output: ViewOutput }).output;
    expect(shown(items).tree).toEqual(el(['b']));
    expect(items).toHaveLength(1);
    items = appendOutputItem(items, out(4, null, [{ op: 'replace', path: [0], node: 'd' }]));
    expect(shown(items).tree).toBeNull();
    expect(shown(items).note).toMatch(/out of date/);
  });
});

describe('types of View.assign (checked by the typecheck)', () => {
  it('takes the assigns type from the socket, not from the assigns given', () => {
    // A callback with an untyped socket returns one socket type whichever assigns it changes,
    // so a module whose handleEvent assigns different keys on different paths fits ViewModule.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cells type sockets as any
    const untyped = (api: ViewApi, socket: any) =>
      Math.random() > 0.5
        ? api.assign(socket, { visitors: 1 })
        : api.assign(socket, { report: 'x' });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- what an untyped socket gives
    expectTypeOf(untyped).returns.toEqualTypeOf<Socket<any>>();
    const typed = (api: ViewApi, socket: Socket<{ count: number }>) => {
      // @ts-expect-error a count must stay a number
      api.assign(socket, { count: 'many' });
      return api.assign(socket, { count: 2 });
    };
    expectTypeOf(typed).returns.toEqualTypeOf<Socket<{ count: number }>>();
  });
});
