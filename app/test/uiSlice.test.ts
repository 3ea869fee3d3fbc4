// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createAppStore } from '../store/appStore';
import { applyUiPreferences, readUiStart } from '../store/uiSlice';

describe('ui slice', () => {
  it('starts from the attributes the inline script put on <html>', () => {
    const root = document.createElement('html');
    expect(readUiStart(root)).toEqual({ theme: 'light', projector: false });
    root.dataset.theme = 'dark';
    root.dataset.projector = '';
    expect(readUiStart(root)).toEqual({ theme: 'dark', projector: true });
  });

  it('hides the panels in projector mode until asked, and shows them again after', () => {
    document.documentElement.dataset.theme = 'light';
    delete document.documentElement.dataset.projector;
    const store = createAppStore();
    expect(store.getState().panelsVisible).toBe(true);
    store.getState().toggleProjector();
    expect(store.getState()).toMatchObject({ projector: true, panelsVisible: false });
    store.getState().togglePanels();
    expect(store.getState().panelsVisible).toBe(true);
    store.getState().setProjector(false);
    expect(store.getState()).toMatchObject({ projector: false, panelsVisible: true });

    // A page opened in projector mode (?projector or a stored choice) starts with them hidden.
    document.documentElement.dataset.projector = '';
    expect(createAppStore().getState()).toMatchObject({ projector: true, panelsVisible: false });
    delete document.documentElement.dataset.projector;
  });

  it('mirrors changes onto <html> and stores only the choices that changed', () => {
    const root = document.createElement('html');
    const stored = new Map<string, string>();
    const storage = {
      setItem: (key: string, value: string) => void stored.set(key, value),
      removeItem: (key: string) => void stored.delete(key),
    };
    applyUiPreferences(
      { theme: 'light', projector: true },
      { theme: 'light', projector: false },
      root,
      storage,
    );
    expect(root.dataset.projector).toBe('');
    expect([...stored]).toEqual([['actorbook:projector', '1']]);

    applyUiPreferences(
      { theme: 'dark', projector: false },
      { theme: 'light', projector: true },
      root,
      storage,
    );
    expect(root.dataset.theme).toBe('dark');
    expect(root.dataset.projector).toBeUndefined();
    expect([...stored]).toEqual([['actorbook:theme', 'dark']]);
  });

  it('keeps working when storage refuses to write', () => {
    const root = document.createElement('html');
    const full = {
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    expect(() =>
      applyUiPreferences(
        { theme: 'dark', projector: false },
        { theme: 'light', projector: false },
        root,
        full,
      ),
    ).not.toThrow();
    expect(root.dataset.theme).toBe('dark');
  });
});
