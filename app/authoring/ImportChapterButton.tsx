import { useRef } from 'react';
import { importChapterFile } from './importFlow';

/** "Import a chapter file…": the file picker for `.md` chapter files. */
export function ImportChapterButton() {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="cell__button"
        onClick={() => input.current?.click()}
        title="Open a chapter file (.md) from your computer in this browser"
      >
        Import a chapter file…
      </button>
      <input
        ref={input}
        type="file"
        accept=".md,.markdown,text/markdown"
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Chapter file to import"
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          event.currentTarget.value = ''; // the same file may be chosen again later
          if (file) void importChapterFile(file);
        }}
      />
    </>
  );
}
