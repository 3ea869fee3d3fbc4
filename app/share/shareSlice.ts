/**
 * The share slice: what a chapter's share link brought (the notice its banner shows) and which
 * cells show code shared with the reader (their "shared" mark).
 *
 * Receiving a link decodes it and plans it against the open notebook (sharePlan.ts). When no own
 * edit of the reader is in the way, the fitting edits go in at once, through the notebook's own
 * edit operation (so they are saved like any edit, and nothing runs); otherwise the reader is
 * asked first, and nothing changes until they answer. Taking the shared edits over one's own
 * first copies the chapter's saved edits to a backup key, as unreadable saved data is, so no
 * learner's code is ever lost to a link. Nothing here touches the DOM: the banner reads and
 * clears the URL's fragment.
 */
import type { StorageLike } from '../persistence/chapterStorage';
import { backupKey, browserStorage } from '../persistence/chapterStorage';
import { encodeSavedChapter } from '../persistence/savedChapter';
import { savedChapterOf } from '../notebook/notebookModel';
import type { SliceCreator } from '../store/storeTypes';
import { decodeShare } from './shareLink';
import type { SharePlan } from './sharePlan';
import { hasConflicts, planSharedEdits } from './sharePlan';

/** What a chapter's share banner shows. */
export type ShareNotice =
  /**
   * The shared edits that fit are in (`plan.fitting`). When they replaced the reader's own,
   * `keptAside` names the backup key of those, or `asideFailed` says the copy could not be made.
   */
  | {
      readonly kind: 'applied';
      readonly plan: SharePlan;
      readonly keptAside: string | null;
      readonly asideFailed: boolean;
    }
  /** Some shared edits would replace the reader's own: waiting for their answer. */
  | { readonly kind: 'ask'; readonly plan: SharePlan }
  /** The reader kept their own edits; the link's were not put in. */
  | { readonly kind: 'kept'; readonly plan: SharePlan }
  /** The link could not be used; the chapter opened as it was. */
  | { readonly kind: 'invalid'; readonly message: string };

/** What receiving a link did, so the page knows whether the link has been dealt with. */
export type ShareReceipt = 'applied' | 'ask' | 'invalid';

export interface ShareSlice {
  /** Each chapter's share notice, by slug (absent: nothing to show). */
  readonly shareNotices: Readonly<Record<string, ShareNotice>>;
  /** Code shared into each chapter's cells, by slug then cell id, for their "shared" mark. */
  readonly sharedSources: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Reads a link's payload for a chapter whose notebook is open; see the module comment. */
  receiveShare(slug: string, payload: string): ShareReceipt;
  /** Answers "use the shared ones": keeps the reader's edits aside, then puts the shared in. */
  acceptSharedEdits(slug: string): void;
  /** Answers "keep mine": the shared edits are not put in. */
  keepOwnEdits(slug: string): void;
  dismissShareNotice(slug: string): void;
  /** Uses another storage for the backup of replaced edits (tests). */
  setShareStorage(storage: StorageLike | null): void;
}

export const createShareSlice: SliceCreator<ShareSlice> = (set, get) => {
  let storage: StorageLike | null | undefined;
  const store = (): StorageLike | null =>
    storage === undefined ? (storage = browserStorage()) : storage;

  const setNotice = (slug: string, notice: ShareNotice) =>
    set({ shareNotices: { ...get().shareNotices, [slug]: notice } });

  /** Puts the fitting edits into the notebook and marks those cells as shared. */
  const apply = (slug: string, plan: SharePlan, keptAside: string | null, asideFailed = false) => {
    const sources: Record<string, string> = {};
    for (const edit of plan.fitting) {
      get().editCell(slug, edit.cellId, edit.source);
      sources[edit.cellId] = edit.source;
    }
    set({ sharedSources: { ...get().sharedSources, [slug]: sources } });
    setNotice(slug, { kind: 'applied', plan, keptAside, asideFailed });
  };

  /** Copies the chapter's edits as they are now to a backup key; its name, or null if it failed. */
  const keepAside = (slug: string): string | null => {
    const notebook = get().notebooks[slug];
    const target = store();
    if (!notebook || !target) return null;
    const key = backupKey(slug, Date.now());
    try {
      target.setItem(key, encodeSavedChapter(savedChapterOf(notebook)));
      return key;
    } catch {
      return null;
    }
  };

  return {
    shareNotices: {},
    sharedSources: {},

    receiveShare(slug, payload) {
      const notebook = get().notebooks[slug];
      const decoded = decodeShare(payload);
      if (!decoded.ok || !notebook) {
        setNotice(slug, {
          kind: 'invalid',
          message: decoded.ok
            ? 'This chapter has no cells to put shared edits in.'
            : decoded.message,
        });
        return 'invalid';
      }
      if (decoded.shared.slug !== slug) {
        setNotice(slug, {
          kind: 'invalid',
          message: `This share link was made for another chapter (“${decoded.shared.slug}”), so its edits were not put in here.`,
        });
        return 'invalid';
      }
      const plan = planSharedEdits(notebook, decoded.shared.edits);
      if (hasConflicts(plan)) {
        setNotice(slug, { kind: 'ask', plan });
        return 'ask';
      }
      apply(slug, plan, null);
      return 'applied';
    },

    acceptSharedEdits(slug) {
      const notice = get().shareNotices[slug];
      if (notice?.kind !== 'ask') return;
      const key = keepAside(slug);
      apply(slug, notice.plan, key, key === null);
    },

    keepOwnEdits(slug) {
      const notice = get().shareNotices[slug];
      if (notice?.kind !== 'ask') return;
      setNotice(slug, { kind: 'kept', plan: notice.plan });
    },

    dismissShareNotice(slug) {
      const { [slug]: _dismissed, ...rest } = get().shareNotices;
      set({ shareNotices: rest });
    },

    setShareStorage(next) {
      storage = next;
    },
  };
};
