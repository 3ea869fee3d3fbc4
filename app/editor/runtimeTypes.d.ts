/** The runtime's declaration text, made at build time by scripts/runtimeTypesPlugin.ts. */
declare module 'virtual:runtime-types' {
  /** Declaration files, paths relative to the runtime's folder; `globals.d.ts` declares the cell globals. */
  export const runtimeTypeFiles: readonly { readonly path: string; readonly text: string }[];
  /** The value names a cell sees without importing anything, sorted. */
  export const cellGlobalNames: readonly string[];
}
