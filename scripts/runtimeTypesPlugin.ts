/**
 * Serves the runtime's declaration text (see runtimeTypes.ts) to the page as the virtual module
 * `virtual:runtime-types`, which only the cell editor imports, lazily, so it lands in a chunk of
 * its own next to Monaco and never in the entry chunk.
 */
import type { Plugin } from 'vite';
import { generateRuntimeTypes, readNotForCells } from './runtimeTypes.ts';

const VIRTUAL_ID = 'virtual:runtime-types';
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

export interface RuntimeTypesPluginOptions {
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
    load(id) {
      if (id !== RESOLVED_ID) return null;
      const types = generateRuntimeTypes({
        entry: options.runtimeEntry,
        notForCells: readNotForCells(options.engineFile),
      });
      this.addWatchFile(options.engineFile);
      return [
        `export const runtimeTypeFiles = ${JSON.stringify([...types.files, types.globals])};`,
        `export const cellGlobalNames = ${JSON.stringify(types.globalNames)};`,
      ].join('\n');
    },
    handleHotUpdate(ctx) {
      // Any runtime change may change its declarations: drop the cached module.
      if (!ctx.file.includes('/runtime/') && ctx.file !== options.engineFile) return;
      const module = ctx.server.moduleGraph.getModuleById(RESOLVED_ID);
      if (module) ctx.server.moduleGraph.invalidateModule(module);
    },
  };
}
