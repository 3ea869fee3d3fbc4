import { useState } from 'react';
import { appStore } from '../store/appStore';
import { chapterWithEdits, editedSources } from './chapterExport';
import { chapterFile } from './chapterText';
import './authoring.css';

/**
 * Export: downloads the chapter as a `.md` file in the chapter format, with the learner's edits
 * in its cells, so it can be kept, sent to someone, or imported again (here or elsewhere).
 */
export function ExportChapterButton({ slug }: { slug: string }) {
  const [problem, setProblem] = useState<string | null>(null);
  const exportChapter = async () => {
    setProblem(null);
    const file = await chapterFile(slug);
    if (!file) {
      setProblem('This chapter’s file could not be found, so it was not exported.');
      return;
    }
    const notebook = appStore.getState().notebooks[slug];
    const text = notebook ? chapterWithEdits(file.text, editedSources(notebook)) : file.text;
    downloadText(file.fileName, text);
  };
  return (
    <>
      <button
        type="button"
        className="cell__button cell__button--quiet"
        onClick={() => void exportChapter()}
        title="Download this chapter as a Markdown file, with your edits in its cells"
      >
        Export .md
      </button>
      {problem && (
        <span className="authoring-inline-error" role="alert">
          {problem}
        </span>
      )}
    </>
  );
}

/** Saves `text` as a download named `fileName`. */
function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once it started; give it a moment before freeing the URL.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
