/**
 * The shell's keyboard shortcuts, as pure functions so the "never steal a key while typing" rule
 * is tested in Node. Shortcuts are single keys without Ctrl/Cmd/Alt, and never fire while the
 * focus is in a text field, a select, an editable element or a code editor.
 */

export type ShortcutAction =
  'previousChapter' | 'nextChapter' | 'contents' | 'keyboardHelp' | 'rewindBack' | 'rewindForward';

/** The shortcuts, as the keyboard help lists them. */
export const SHORTCUTS: ReadonlyArray<{
  keys: readonly string[];
  action: ShortcutAction;
  does: string;
}> = [
  { keys: ['['], action: 'previousChapter', does: 'Previous chapter' },
  { keys: [']'], action: 'nextChapter', does: 'Next chapter' },
  { keys: ['t', '/'], action: 'contents', does: 'Open the table of contents' },
  { keys: [','], action: 'rewindBack', does: 'Rewind the live panels one event' },
  { keys: ['.'], action: 'rewindForward', does: 'Step the rewound panels forward one event' },
  { keys: ['?'], action: 'keyboardHelp', does: 'Show these shortcuts' },
];

/** The parts of a KeyboardEvent the shortcuts look at. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  isComposing?: boolean;
  defaultPrevented?: boolean;
  target: EventTarget | null;
}

/** The action a key press asks for, or null when it is not a shortcut or the user is typing. */
export function shortcutFor(press: KeyPress): ShortcutAction | null {
  if (press.ctrlKey || press.metaKey || press.altKey || press.isComposing) return null;
  if (press.defaultPrevented || isTypingTarget(press.target)) return null;
  return SHORTCUTS.find((shortcut) => shortcut.keys.includes(press.key))?.action ?? null;
}

/**
 * Whether keys pressed on this element are the user's typing (inputs, editors, dialogs' fields).
 * Inputs that take no text (a slider, a checkbox, a button) are not: the timeline's slider keeps
 * the step keys.
 */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  return (
    element.closest(
      'input:not([type="range"], [type="checkbox"], [type="radio"], [type="button"], [type="file"]), textarea, select, [contenteditable=""], [contenteditable="true"], [role="textbox"], .monaco-editor, .code-editor',
    ) !== null
  );
}
