// @ts-check
/**
 * Lint rules, including the boundaries of runtime/ and app/ written down in their ARCHITECTURE.md.
 * scripts/test/lintBoundaries.test.ts proves the boundary rules fire, so keep the two in step.
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Libraries that belong to the page; the runtime must run without them in a Worker and in Node. */
const PAGE_LIBRARIES = [
  'react',
  'react-dom',
  'zustand',
  'monaco-editor',
  'mermaid',
  'esbuild-wasm',
];

/**
 * Imports runtime/ may not make. Runtime tests run only in Node, so they may use Node built-ins.
 * @param {{ allowNodeBuiltins: boolean }} options
 */
const runtimeImportRestrictions = ({ allowNodeBuiltins }) => ({
  paths: PAGE_LIBRARIES.map((name) => ({
    name,
    message: 'runtime/ is framework-free: the app wraps page libraries, the runtime never does.',
  })),
  patterns: [
    {
      group: PAGE_LIBRARIES.map((name) => `${name}/*`),
      message: 'runtime/ is framework-free: the app wraps page libraries, the runtime never does.',
    },
    {
      // Any path that steps into app/: '../app/x', '/app/x', 'app/x'.
      regex: '(^|/)app(/|$)',
      message: 'runtime/ must not import from app/: the app depends on the runtime, not back.',
    },
    ...(allowNodeBuiltins
      ? []
      : [
          {
            group: ['node:*'],
            message: 'runtime/ runs in a browser Worker too: no Node built-ins.',
          },
        ]),
  ],
});

/** Host objects the runtime never touches: it gets time from a Clock and talks through the app. */
const HOST_GLOBALS = [
  'window',
  'document',
  'self',
  'localStorage',
  'sessionStorage',
  'navigator',
  'location',
  'postMessage',
  'onmessage',
  'addEventListener',
  'removeEventListener',
  'importScripts',
  'process',
  'Buffer',
];

/** Host timers and macrotask hooks: only runtime/host.ts may call them. */
const HOST_TIMERS = [
  'setTimeout',
  'setInterval',
  'clearTimeout',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'requestAnimationFrame',
  'cancelAnimationFrame',
];

/** @param {string[]} names @param {string} message */
const restrictGlobals = (names, message) => names.map((name) => ({ name, message }));

/** Reaching a host object through globalThis is the same contact, so it is banned the same way. */
/** @param {string[]} names @param {string} message */
const restrictGlobalThisMembers = (names, message) => ({
  selector: `MemberExpression[object.name='globalThis'][property.name=/^(${names.join('|')})$/]`,
  message,
});

/**
 * Outside runtime/, processes are known by pid and read through the introspection API
 * (runtime/introspect.ts), never through the process control block, so the runtime may change
 * its shape freely. The handle is banned where it could be had: its type by name or derived from
 * a method that gives it, the methods that hand it out, and its fields.
 */
const RUNTIME_INTERNAL_SYNTAX = [
  {
    selector:
      'MemberExpression[property.name=/^(procOf|spawnNative|mailbox|ioSink|behaviourState|behaviourServer|publishedState|ownedTable)$/]',
    message:
      'That is a runtime internal: read processes through the introspection API (processSnapshot, processMessages, pendingReceive, supervisorState, ...).',
  },
  {
    selector: 'CallExpression > MemberExpression.callee[property.name="processes"]',
    message:
      'rt.processes() hands out process control blocks: use processSnapshots(rt) (or rt.pidOf) instead.',
  },
  {
    // cellSupport.proc() is for compiled cell code; pid.proc is the runtime's own pointer.
    selector: 'MemberExpression[property.name="proc"], TSQualifiedName[right.name="proc"]',
    message:
      "That is the runtime's process handle: host code gets the running process from cellSupport.self() (runtime, pid, group leader) and awaits with cellSupport.awaitAs/resumeAs.",
  },
  {
    selector: 'Identifier[name="Proc"]',
    message:
      "Proc is the runtime's private process control block: use ProcessSnapshot and the introspection API.",
  },
  {
    selector:
      'TSIndexedAccessType[indexType.literal.value=/^(proc|procOf|processes|spawnNative)$/]',
    message:
      "That derives the type of Proc, the runtime's private process control block: hosts hold pids.",
  },
];

/**
 * The rules keeping host objects and host timers out, bare and through globalThis. `extraSyntax`
 * joins them because a later no-restricted-syntax for the same files would replace, not add.
 * @param {string} hostMessage @param {string} timerMessage @param {object[]} [extraSyntax]
 * @returns {import('eslint').Linter.RulesRecord}
 */
const noHostRules = (hostMessage, timerMessage, extraSyntax = []) => ({
  'no-restricted-globals': [
    'error',
    ...restrictGlobals(HOST_GLOBALS, hostMessage),
    ...restrictGlobals(HOST_TIMERS, timerMessage),
  ],
  'no-restricted-syntax': [
    'error',
    restrictGlobalThisMembers(HOST_GLOBALS, hostMessage),
    restrictGlobalThisMembers(HOST_TIMERS, timerMessage),
    ...extraSyntax,
  ],
});

const HOST_MESSAGE = 'runtime/ has no host: no DOM, no worker globals, no Node globals.';
const ENGINE_HOST_MESSAGE =
  'app/engine/ runs in the worker and in Node: no DOM, no worker or Node globals; hosts pass them in.';
const ENGINE_TIMER_MESSAGE =
  'app/engine/ gets timers from its host (SessionHost.setTimer), so it runs the same everywhere.';

/** Runtime internals: everything outside runtime/ uses runtime/index.ts, its public entry. */
const RUNTIME_INTERNALS = {
  regex: '(^|/)runtime/(?!index(\\.ts)?$)',
  message: 'Import the runtime through runtime/index.ts, its public entry.',
};

/** Page-only libraries the engine never loads, on top of those the runtime never loads. */
const ENGINE_PAGE_LIBRARIES = [
  ...PAGE_LIBRARIES.filter((name) => name !== 'esbuild-wasm'),
  'marked',
  'dompurify',
  'highlight.js',
];

/**
 * Imports app/engine/ may not make (see app/engine/ARCHITECTURE.md): page libraries, any of the
 * app but the panels' pure models (panels/model/, shared with viz), runtime internals, Node.
 * esbuild-wasm is the compiler: only its one wrapper, app/engine/esbuildWasm.ts, loads it.
 * @param {{ allowEsbuild: boolean }} options
 */
const engineImportRestrictions = ({ allowEsbuild }) => {
  const libraries = allowEsbuild
    ? ENGINE_PAGE_LIBRARIES
    : [...ENGINE_PAGE_LIBRARIES, 'esbuild-wasm'];
  const message = 'app/engine/ runs in the worker and in Node: it never loads page libraries.';
  return {
    paths: libraries.map((name) => ({
      name,
      message:
        name === 'esbuild-wasm' ? 'Only app/engine/esbuildWasm.ts loads esbuild-wasm.' : message,
    })),
    patterns: [
      { group: libraries.map((name) => `${name}/*`), message },
      RUNTIME_INTERNALS,
      {
        // Up out of app/engine/: only ../panels/model/<file> (pure models) and ../../runtime/.
        regex: '^\\.\\./(?!panels/model/[^/]+$|\\.\\./runtime/)|(^|/)app/',
        message:
          'app/engine/ imports no app code but the panel models (app/panels/model/): the page depends on the engine, not back.',
      },
      {
        group: ['node:*'],
        message: 'app/engine/ runs in a browser Worker too: no Node built-ins.',
      },
    ],
  };
};
const TIMER_MESSAGE =
  'Host timers live in runtime/host.ts only; elsewhere use the Clock or scheduleMacrotask.';

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', 'test-results/']),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    files: ['**/*.{js,mjs,ts,tsx}'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },

  // Build and test tooling runs in Node.
  {
    files: ['*.config.{js,ts}', 'scripts/**', 'runtime/test/**', 'app/test/**'],
    languageOptions: { globals: globals.node },
  },

  // The app runs on the page; its engine runs in the worker and in Node, with no host globals.
  {
    files: ['app/**/*.{ts,tsx}'],
    ignores: ['app/test/**', 'app/engine/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    ignores: ['app/engine/**', 'app/test/engine/**', 'app/panels/model/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            RUNTIME_INTERNALS,
            {
              // The engine's entry and its wire vocabulary are its whole public face.
              regex: '(^|/)engine/(?!(index|protocol)(\\.ts)?$)',
              message:
                'Import the engine through app/engine/index.ts (or protocol.ts for the wire types).',
            },
          ],
        },
      ],
    },
  },
  // Engine tests may reach engine internals, never runtime internals.
  {
    files: ['app/test/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [RUNTIME_INTERNALS] }] },
  },

  // app/engine/: the notebook engine, a walled package like runtime/ (app/engine/ARCHITECTURE.md).
  {
    files: ['app/engine/**/*.ts'],
    ignores: ['app/engine/esbuildWasm.ts'],
    rules: {
      'no-restricted-imports': ['error', engineImportRestrictions({ allowEsbuild: false })],
    },
  },
  {
    files: ['app/engine/esbuildWasm.ts'],
    rules: {
      'no-restricted-imports': ['error', engineImportRestrictions({ allowEsbuild: true })],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}', 'bench/**/*.{ts,mjs}', 'scripts/**/*.{ts,mjs}'],
    rules: { 'no-restricted-syntax': ['error', ...RUNTIME_INTERNAL_SYNTAX] },
  },
  {
    files: ['app/engine/**/*.ts', 'app/panels/model/**/*.ts'],
    rules: noHostRules(ENGINE_HOST_MESSAGE, ENGINE_TIMER_MESSAGE, RUNTIME_INTERNAL_SYNTAX),
  },
  // The panel models sit inside the engine's walls (its tsconfig checks them too): pure data
  // shared by viz and the page. They use the runtime's entry and the engine's shape checks.
  {
    files: ['app/panels/model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ENGINE_PAGE_LIBRARIES.map((name) => ({
            name,
            message: 'Panel models are pure data: no page libraries.',
          })),
          patterns: [
            RUNTIME_INTERNALS,
            {
              regex:
                '^\\.\\./(?!\\.\\./\\.\\./runtime/index(\\.ts)?$|\\.\\./engine/validation(\\.ts)?$)',
              message:
                'Panel models import only each other, runtime/index.ts and app/engine/validation.ts.',
            },
          ],
        },
      ],
    },
  },

  // runtime/: a library with no host (see runtime/ARCHITECTURE.md).
  {
    files: ['runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', runtimeImportRestrictions({ allowNodeBuiltins: false })],
    },
  },
  {
    files: ['runtime/test/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', runtimeImportRestrictions({ allowNodeBuiltins: true })],
    },
  },
  {
    files: ['runtime/**/*.ts'],
    ignores: ['runtime/test/**', 'runtime/host.ts'],
    rules: noHostRules(HOST_MESSAGE, TIMER_MESSAGE),
  },
  {
    files: ['runtime/host.ts'],
    rules: {
      'no-restricted-globals': ['error', ...restrictGlobals(HOST_GLOBALS, HOST_MESSAGE)],
      'no-restricted-syntax': ['error', restrictGlobalThisMembers(HOST_GLOBALS, HOST_MESSAGE)],
    },
  },
  // The learner-facing API: messages, requests and states are untyped terms at run time, and
  // cells destructure them freely (`const [from, n] = await receive()`), so `any` is the honest
  // type there; `unknown` would force a cast into every chapter cell.
  {
    files: ['runtime/api.ts', 'runtime/pattern.ts', 'runtime/otp/**/*.ts', 'runtime/test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
