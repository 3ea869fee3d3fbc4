// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { KeyPress } from '../../routing/keyboardShortcuts';
import { shortcutFor } from '../../routing/keyboardShortcuts';

function press(
  key: string,
  target: EventTarget | null = document.body,
  extra: Partial<KeyPress> = {},
) {
  return shortcutFor({ key, ctrlKey: false, metaKey: false, altKey: false, target, ...extra });
}

describe('shortcutFor', () => {
  it('maps [ ] t / ? to the shell actions', () => {
    expect(press('[')).toBe('previousChapter');
    expect(press(']')).toBe('nextChapter');
    expect(press('t')).toBe('contents');
    expect(press('/')).toBe('contents');
    expect(press('?')).toBe('keyboardHelp');
    expect(press('x')).toBeNull();
  });

  it('leaves keys alone while the reader types in a field or a code editor', () => {
    document.body.innerHTML = `
      <input id="field"><textarea id="area"></textarea>
      <div contenteditable="true" id="editable"></div>
      <div class="monaco-editor"><div id="inside-monaco"></div></div>
      <div class="code-editor"><div role="textbox" id="static-editor"></div></div>`;
    for (const id of ['field', 'area', 'editable', 'inside-monaco', 'static-editor']) {
      expect(press('[', document.getElementById(id))).toBeNull();
    }
  });

  it('leaves browser and system shortcuts alone', () => {
    expect(press('[', document.body, { ctrlKey: true })).toBeNull();
    expect(press('t', document.body, { metaKey: true })).toBeNull();
    expect(press(']', document.body, { altKey: true })).toBeNull();
    expect(press('t', document.body, { defaultPrevented: true })).toBeNull();
  });
});
