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

const HOST_MESSAGE = 'runtime/ has no host: no DOM, no worker globals, no Node globals.';
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

  // The app runs on the page.
  {
    files: ['app/**/*.{ts,tsx}'],
    ignores: ['app/test/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // runtime/index.ts is the runtime's whole public API; its other files may change freely.
              regex: '(^|/)runtime/(?!index(\\.ts)?$)',
              message: 'Import the runtime through runtime/index.ts, its public entry.',
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
    rules: {
      'no-restricted-globals': [
        'error',
        ...restrictGlobals(HOST_GLOBALS, HOST_MESSAGE),
        ...restrictGlobals(HOST_TIMERS, TIMER_MESSAGE),
      ],
      'no-restricted-syntax': [
        'error',
        restrictGlobalThisMembers(HOST_GLOBALS, HOST_MESSAGE),
        restrictGlobalThisMembers(HOST_TIMERS, TIMER_MESSAGE),
      ],
    },
  },
  {
    files: ['runtime/host.ts'],
    rules: {
      'no-restricted-globals': ['error', ...restrictGlobals(HOST_GLOBALS, HOST_MESSAGE)],
      'no-restricted-syntax': ['error', restrictGlobalThisMembers(HOST_GLOBALS, HOST_MESSAGE)],
    },
  },
  // Outside runtime/, processes are read through the introspection API (runtime/introspect.ts),
  // never through the process control block, so the runtime may change its shape freely.
  {
    files: ['app/**/*.{ts,tsx}', 'bench/**/*.{ts,mjs}', 'scripts/**/*.{ts,mjs}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'MemberExpression[property.name=/^(procOf|mailbox|ioSink|behaviourState|behaviourServer|publishedState|ownedTable)$/]',
          message:
            'That is a runtime internal: read processes through the introspection API (processSnapshot, processMessages, pendingReceive, supervisorState, ...).',
        },
        {
          selector: 'Identifier[name="Proc"]',
          message:
            "Proc is the runtime's private process control block: use ProcessSnapshot and the introspection API.",
        },
      ],
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
