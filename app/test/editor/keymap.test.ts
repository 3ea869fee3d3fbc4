import { describe, expect, it } from 'vitest';
import { performRunKey, runKeyAction } from '../../editor/keymap';

const key = (
  k: string,
  mods: Partial<Record<'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey', boolean>> = {},
) => ({
  key: k,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('runKeyAction', () => {
  it('maps Shift+Enter to run-and-advance and Ctrl/Cmd+Enter to run', () => {
    expect(runKeyAction(key('Enter', { shiftKey: true }))).toBe('runAndAdvance');
    expect(runKeyAction(key('Enter', { ctrlKey: true }))).toBe('run');
    expect(runKeyAction(key('Enter', { metaKey: true }))).toBe('run');
  });

  it('leaves plain Enter, Alt+Enter and other keys to the editor', () => {
    expect(runKeyAction(key('Enter'))).toBeNull();
    expect(runKeyAction(key('Enter', { altKey: true, shiftKey: true }))).toBeNull();
    expect(runKeyAction(key('a', { ctrlKey: true }))).toBeNull();
    expect(runKeyAction(key('Enter', { ctrlKey: true, shiftKey: true }))).toBeNull();
  });
});

describe('performRunKey', () => {
  it('runs and advances, or only runs when no advance handler is given', () => {
    const calls: string[] = [];
    const onRun = () => calls.push('run');
    expect(
      performRunKey('runAndAdvance', { onRun, onRunAndAdvance: () => calls.push('advance') }),
    ).toBe(true);
    expect(performRunKey('runAndAdvance', { onRun })).toBe(true);
    expect(performRunKey(null, { onRun })).toBe(false);
    expect(calls).toEqual(['advance', 'run']);
  });
});
