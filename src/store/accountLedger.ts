import type { LedgerEntry } from '../domain/account';
import type { AccountLedger } from '../app/ports';
import { outboxEntries } from './documents';
import type { LedgerCollection } from './ledgerCollection';
import type { AccountDoc } from './models';
import type { ReadOptions } from './readConcern';

/**
 * An account's ledger as of one read of its document, complete. The outbox as read holds the newest entries, a
 * run up to the account's `seq`; every older one is in the ledger collection, because an entry leaves the outbox
 * only once it is there (src/store/outboxes.ts). So the outbox first, then the collection below its oldest entry.
 */
export function accountLedger(ledger: LedgerCollection, doc: AccountDoc): AccountLedger {
  // Decoded when a page is asked for: most reads (a balance) never are.
  const oldestHeld = doc.outbox[0]?.seq ?? doc.seq + 1;
  return {
    async page({ limit, beforeSeq }) {
      const held = outboxEntries(doc);
      const below = Math.min(beforeSeq ?? Number.POSITIVE_INFINITY, doc.seq + 1);
      const newest = held.filter((e) => e.seq < below).reverse().slice(0, limit);
      const collectionBelow = Math.min(below, oldestHeld);
      if (newest.length >= limit || collectionBelow <= 1) return newest;
      return [...newest, ...(await ledger.below(doc._id, collectionBelow, limit - newest.length))];
    },
    async all() {
      // An entry in both places (copied, not yet pulled) is the same entry: the copy was checked when inserted.
      const stored = await ledger.all(doc._id);
      const copied = new Set(stored.map((e) => e.seq));
      return [...stored, ...outboxEntries(doc).filter((e) => !copied.has(e.seq))].sort((a, b) => a.seq - b.seq);
    },
  };
}

/**
 * The entries of these effect keys an account has: those decided earlier in the same write, then the outbox as
 * read, then (only for keys still missing, and only if anything ever left the outbox) the ledger collection.
 */
export async function findEntries(ledger: LedgerCollection, doc: AccountDoc | null, decided: LedgerEntry[], opKeys: string[], readConcern?: ReadOptions): Promise<LedgerEntry[]> {
  const found = new Map<string, LedgerEntry>();
  for (const entry of [...decided, ...(doc ? outboxEntries(doc) : [])]) {
    if (opKeys.includes(entry.opKey) && !found.has(entry.opKey)) found.set(entry.opKey, entry);
  }
  const missing = opKeys.filter((k) => !found.has(k));
  if (missing.length > 0 && doc !== null && doc.flushedSeq > 0) {
    for (const entry of await ledger.byOpKeys(doc._id, missing, readConcern)) found.set(entry.opKey, entry);
  }
  return [...found.values()];
}
