/**
 * The one asset import of the engine: the URL of esbuild's wasm binary, which the bundler
 * (Vite's `?url`) turns into a string. Declared here so the engine needs no bundler or DOM types.
 */
declare module 'esbuild-wasm/esbuild.wasm?url' {
  const url: string;
  export default url;
}
