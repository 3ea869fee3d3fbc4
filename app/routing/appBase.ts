/**
 * Where the app lives on its host, e.g. `/` or `/courses/actorbook/`.
 *
 * The build is made with relative URLs so it works from any folder. Each emitted page carries a
 * `<base href>` pointing at the site root (chapter pages use `../../`, and the dev server gets `/`),
 * so the document's base URL is the app's root. It is read once at start-up: `history.pushState`
 * moves the page URL but not the base, and routes must not move with it either.
 */
export function readAppBasePath(baseUri: string = document.baseURI): string {
  return new URL('.', baseUri).pathname;
}
