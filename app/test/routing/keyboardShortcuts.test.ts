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

  it('maps , and . to stepping the rewind timeline, also from its slider', () => {
    expect(press(',')).toBe('rewindBack');
    expect(press('.')).toBe('rewindForward');
    document.body.innerHTML = `<input type="range" id="track"><input type="checkbox" id="box">`;
    expect(press(',', document.getElementById('track'))).toBe('rewindBack');
    expect(press('.', document.getElementById('box'))).toBe('rewindForward');
  });

  it('leaves keys alone while the reader types in a field or a code editor', () => {
    document.body.innerHTML = `
      <input id="field"><input type="search" id="search"><textarea id="area"></textarea>
      <div contenteditable="true" id="editable"></div>
      <div class="monaco-editor"><div id="inside-monaco"></div></div>
      <div class="code-editor"><div role="textbox" id="static-editor"></div></div>`;
    for (const id of ['field', 'search', 'area', 'editable', 'inside-monaco', 'static-editor']) {
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
