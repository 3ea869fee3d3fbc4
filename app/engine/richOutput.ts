/**
 * Rich cell outputs (the `viz` namespace): what a cell renders besides text. Plain,
 * structured-cloneable data, sent by the worker as `cell/rich` and kept under the cell in the
 * order it arrived, interleaved with text. Every output has an `id`; an output sent again with
 * an id already shown replaces it in place (that is how `viz.animate` frames and live views
 * update).
 */

/** A Markdown block, rendered through the same sanitiser as chapter prose. */
export interface MarkdownOutput {
  readonly kind: 'markdown';
  readonly id: string;
  readonly markdown: string;
}

/** Every kind of rich output. */
export type RichOutput = MarkdownOutput;
