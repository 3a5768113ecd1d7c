import { randomUUID } from 'node:crypto';
import type { AccountChange } from '../app/ports';
import type { AccountState } from '../domain/account';
import { accountDoc, toStoredEntry } from './documents';
import type { AccountDoc } from './models';

/** The whole document of a new account (inserted: the unique `_id` decides a race). */
export function newAccountDoc(change: AccountChange): AccountDoc {
  const doc = accountDoc({
    state: change.state,
    version: 1,
    outbox: change.entries.map(toStoredEntry),
    flushedSeq: 0,
    nextDueAt: change.nextDueAt,
    lastWrite: randomUUID(),
  });
  return change.signals.length > 0 ? { ...doc, signalOutbox: change.signals } : doc;
}

export interface AccountUpdate {
  $set: Partial<AccountDoc> & { lastWrite: string; version: number };
  $push?: { outbox?: { $each: AccountDoc['outbox'] }; signalOutbox?: { $each: NonNullable<AccountDoc['signalOutbox']> } };
}

/**
 * The update that turns `base` into the decided state, applied only while the document is still at
 * `base.version`: the fields that changed, a new version, and the change's entries and signals appended to
 * the outboxes. Never a whole outbox: only the copy routine takes items out (src/store/outboxes.ts).
 */
export function updateOf(base: AccountDoc, change: AccountChange): AccountUpdate {
  const $set: AccountUpdate['$set'] = { version: base.version + 1, lastWrite: randomUUID(), nextDueAt: change.nextDueAt };
  // State fields are stored as they are (src/store/documents.ts), so a field is compared with the state's own.
  for (const key of STATE_FIELDS) {
    if (!sameValue(base[key], change.state[key])) Object.assign($set, { [key]: change.state[key] });
  }
  const entries = change.entries.length > 0 ? { outbox: { $each: change.entries.map(toStoredEntry) } } : {};
  const signals = change.signals.length > 0 ? { signalOutbox: { $each: change.signals } } : {};
  return change.entries.length === 0 && change.signals.length === 0 ? { $set } : { $set, $push: { ...entries, ...signals } };
}

type StateField = Exclude<keyof AccountState, 'customer'>;
const STATE_FIELDS = ['externalId', 'balance', 'seq', 'buckets', 'terms', 'subscriptions', 'planChanges', 'topups', 'payments', 'archived', 'holds', 'signalSeq'] as const satisfies readonly StateField[];
/** A state field missing from STATE_FIELDS would silently never be written: this fails to compile instead. */
export const everyStateFieldWritten: [Exclude<StateField, (typeof STATE_FIELDS)[number]>] extends [never] ? true : false = true;

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
