/**
 * Whether reloading now would lose edits: after a flush, every chapter's save status is 'saved'
 * unless storage refused it (full, blocked, failed). Pure, so the rule is tested in Node.
 */
import type { SaveStatus } from '../persistence/chapterStorage';

/** Why some edits exist only in this tab, or null when everything is in storage. */
export function unsavedEditsMessage(statuses: Readonly<Record<string, SaveStatus>>): string | null {
  for (const status of Object.values(statuses)) {
    if (status.kind === 'saved') continue;
    if (status.kind === 'pending') return 'Some of your edits are not saved yet.';
    return status.message;
  }
  return null;
}
