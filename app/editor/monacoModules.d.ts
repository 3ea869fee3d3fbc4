/** Monaco's bundle of editor contributions ships without declarations; it is imported for its effect. */
declare module 'monaco-editor/internal/common/workers.js';
