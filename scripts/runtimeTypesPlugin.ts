/**
 * Serves the runtime's declaration text (see runtimeTypes.ts) to the page as the virtual module
 * `virtual:runtime-types`, which only the cell editor imports, lazily, so it lands in a chunk of
 * its own next to Monaco and never in the entry chunk.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';
import type { ExtraGlobal } from './runtimeTypes.ts';
import { generateRuntimeTypes, readNotForCells } from './runtimeTypes.ts';

const VIRTUAL_ID = 'virtual:runtime-types';
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

export interface RuntimeTypesPluginOptions {
  /** The repository root. */
  readonly rootDir: string;
  /** `runtime/index.ts`. */
  readonly runtimeEntry: string;
  /** `app/engine/notebookEngine.ts`, whose `NOT_FOR_CELLS` says which exports cells do not get. */
  readonly engineFile: string;
}

export function runtimeTypesPlugin(options: RuntimeTypesPluginOptions): Plugin {
  return {
    name: 'actorbook-runtime-types',
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : null;
    },
    load: {
      // A filter keeps the bundler from calling into JavaScript for every other module.
      filter: { id: new RegExp(`^${RESOLVED_ID}$`) },
      handler(id) {
        if (id !== RESOLVED_ID) return null;
        const types = generateRuntimeTypes({
          rootDir: options.rootDir,
          entry: options.runtimeEntry,
          notForCells: readNotForCells(options.engineFile),
          extraGlobals: engineExtraGlobals(options.engineFile),
          warn: (message) => this.warn(message),
        });
        this.addWatchFile(options.engineFile);
        return [
          `export const runtimeTypeFiles = ${JSON.stringify([...types.files, types.globals])};`,
          `export const cellGlobalNames = ${JSON.stringify(types.globalNames)};`,
        ].join('\n');
      },
    },
    handleHotUpdate(ctx) {
      // Any runtime change may change its declarations: drop the cached module.
      if (!ctx.file.includes('/runtime/') && ctx.file !== options.engineFile) return;
      const module = ctx.server.moduleGraph.getModuleById(RESOLVED_ID);
      if (module) ctx.server.moduleGraph.invalidateModule(module);
    },
  };
}

/** The engine's own cell globals, each typed by the type its module exports. */
const ENGINE_GLOBALS = [
  { name: 'viz', module: 'viz.ts', typeName: 'Viz' },
  { name: 'check', module: 'exerciseCheck.ts', typeName: 'Check' },
  { name: 'View', module: 'view.ts', typeName: 'ViewApi' },
] as const;

/** `viz` and `check`, each when the engine hands it to cells and its module exports its type. */
export function engineExtraGlobals(engineFile: string): ExtraGlobal[] {
  const engine = readFileSync(engineFile, 'utf8');
  return ENGINE_GLOBALS.flatMap(({ name, module, typeName }) => {
    const file = path.join(path.dirname(engineFile), module);
    const handed = new RegExp(`globals\\.${name}\\s*=`).test(engine);
    return handed && existsSync(file) ? [{ name, file, typeName }] : [];
  });
}
