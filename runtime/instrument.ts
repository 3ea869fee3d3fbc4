/**
 * Compile-time instrumentation that makes learner code cooperative with the scheduler.
 *
 * A learner's process is an async function, and JavaScript gives no hook when an `await` resumes.
 * So compiled cell code is rewritten (on the JavaScript esbuild produced, source positions kept
 * stable by editing with magic-string):
 *
 *   async function f() { ...await x... }
 *   =>
 *   async function f() { const __abP = __ab.proc(); ...__ab.resume(__abP, await __ab.await(__abP, x))... }
 *
 * `__ab.await` tells the scheduler the process waits on a plain promise (so it is resumed through
 * the run queue), and `__ab.resume` makes the process current again, so `self()` is right after
 * any await. `for await` loops get the same treatment through `__ab.iter`.
 */
import { parse } from 'acorn';
import MagicString from 'magic-string';

/** A node of acorn's ESTree output, as far as this walker needs it. */
interface AstNode {
  type: string;
  start: number;
  end: number;
  async?: boolean;
  generator?: boolean;
  await?: boolean;
  body?: AstNode | AstNode[];
  argument?: AstNode | null;
  right?: AstNode;
  expression?: boolean;
  [key: string]: unknown;
}

/** The name compiled code uses for the cell-support object (see cellSupport.ts). */
export const SUPPORT_NAME = '__ab';
const PROC_VAR = '__abP';

const FUNCTION_TYPES = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
]);

interface FunctionScope {
  readonly node: AstNode | null; // null: the module's top level
  readonly isAsync: boolean;
  readonly isGenerator: boolean;
  usesAwait: boolean;
}

const LOOP_TYPES = new Set([
  'ForStatement',
  'ForInStatement',
  'ForOfStatement',
  'WhileStatement',
  'DoWhileStatement',
]);

/** What to instrument. */
export interface InstrumentOptions {
  /** Also put a loop guard at the top of every loop body (default false). */
  loopGuard?: boolean;
}

/**
 * Rewrites every await and `for await` in `code` (an ES module or script body with top-level
 * await) and, with `loopGuard`, every loop body.
 */
export function instrumentAwaits(code: string, options: InstrumentOptions = {}): string {
  const ast = parse(code, {
    ecmaVersion: 'latest',
    sourceType: 'module',
    allowAwaitOutsideFunction: true,
    allowReturnOutsideFunction: true,
  }) as unknown as AstNode;
  const out = new MagicString(code);
  const top: FunctionScope = { node: null, isAsync: true, isGenerator: false, usesAwait: false };
  const resume = `${SUPPORT_NAME}.resume(${PROC_VAR}`;

  const visit = (node: AstNode, scope: FunctionScope): void => {
    if (FUNCTION_TYPES.has(node.type)) {
      const inner: FunctionScope = {
        node,
        isAsync: node.async === true,
        isGenerator: node.generator === true,
        usesAwait: false,
      };
      visitChildren(node, inner);
      if (inner.isAsync) addPrologue(node);
      return;
    }
    if (options.loopGuard && LOOP_TYPES.has(node.type)) {
      const body = node.body as AstNode;
      const guard = `${SUPPORT_NAME}.guard();`;
      if (body.type === 'BlockStatement') out.appendLeft(body.start + 1, guard);
      else {
        out.prependRight(body.start, `{${guard}`);
        out.appendLeft(body.end, '}');
      }
    }
    if (node.type === 'AwaitExpression' && scope.isAsync) {
      scope.usesAwait = true;
      out.overwrite(
        node.start,
        node.start + 'await'.length,
        `${resume}, await ${SUPPORT_NAME}.await(${PROC_VAR},`,
        // Keep text other rewrites put at this position (a loop guard's `{` before `await`).
        { contentOnly: true },
      );
      out.appendLeft(node.end, '))');
    } else if (node.type === 'YieldExpression' && scope.isAsync && scope.isGenerator) {
      out.prependRight(node.start, `${resume}, (`);
      out.appendLeft(node.end, '))');
    } else if (node.type === 'ForOfStatement' && node.await === true && scope.isAsync) {
      scope.usesAwait = true;
      const right = node.right!;
      out.appendLeft(right.start, `${SUPPORT_NAME}.iter(${PROC_VAR}, `);
      out.prependRight(right.end, ')');
      const body = node.body as AstNode;
      if (body.type === 'BlockStatement') out.appendLeft(body.start + 1, `${resume});`);
      else {
        out.prependRight(body.start, `{${resume});`);
        out.appendLeft(body.end, '}');
      }
    }
    visitChildren(node, scope);
  };

  const visitChildren = (node: AstNode, scope: FunctionScope): void => {
    for (const key of Object.keys(node)) {
      if (key === 'type' || key === 'start' || key === 'end') continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const child of value) if (isNode(child)) visit(child, scope);
      } else if (isNode(value)) {
        visit(value, scope);
      }
    }
  };

  const addPrologue = (fn: AstNode): void => {
    const prologue = `const ${PROC_VAR} = ${SUPPORT_NAME}.proc();`;
    const body = fn.body as AstNode;
    if (body.type === 'BlockStatement') {
      out.appendLeft(body.start + 1, prologue);
    } else {
      // An expression body may sit in parentheses the body node does not include: wrap from
      // the arrow itself to the end of the function instead.
      const arrow = code.lastIndexOf('=>', body.start);
      out.appendLeft(arrow + 2, `{${prologue}return (`);
      out.prependRight(fn.end, ');}');
    }
  };

  visitChildren(ast, top);
  if (top.usesAwait) out.prepend(`const ${PROC_VAR} = ${SUPPORT_NAME}.proc();\n`);
  return out.toString();
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string';
}
