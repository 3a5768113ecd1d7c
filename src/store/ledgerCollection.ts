import type { LedgerEntry } from '../domain/account';
import { fromLedgerDoc, toLedgerDoc } from './documents';
import type { Collections, LedgerDoc } from './models';
import { duplicateKeyIndexes, LedgerConflictError } from './mongoErrors';
import type { ReadOptions } from './readConcern';

/**
 * The `ledger` collection: the entries that have left their account's outbox (src/store/README.md). Only the
 * store reads it, and always together with the account, so a reader above the store sees one complete ledger.
 */
export class LedgerCollection {
  constructor(private readonly collections: Pick<Collections, 'ledger'>) {}

  /** Newest first: up to `limit` of the customer's entries with a sequence number below `beforeSeq`. */
  async below(customer: string, beforeSeq: number, limit: number): Promise<LedgerEntry[]> {
    const docs = await this.collections.ledger.find({ customer, seq: { $lt: beforeSeq } }).sort({ seq: -1 }).limit(limit).toArray();
    return docs.map(fromLedgerDoc);
  }

  /** Oldest first. */
  async all(customer: string): Promise<LedgerEntry[]> {
    const docs = await this.collections.ledger.find({ customer }).sort({ seq: 1 }).toArray();
    return docs.map(fromLedgerDoc);
  }

  /** `readConcern` majority when the answer is to come from majority-committed data only (src/store/README.md). */
  async byOpKeys(customer: string, opKeys: string[], readConcern?: ReadOptions): Promise<LedgerEntry[]> {
    const docs = await this.collections.ledger.find({ customer, opKey: { $in: opKeys } }, readConcern).toArray();
    return docs.map(fromLedgerDoc);
  }

  /**
   * Inserts copies of committed entries. An entry already there (an earlier copy that crashed before its
   * pull) must be the same entry; anything else under its id or its effect key would be a second history,
   * and fails loudly (ledger_conflict) instead of being dropped.
   */
  async insertCopies(entries: LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const docs = entries.map(toLedgerDoc);
    try {
      await this.collections.ledger.insertMany(docs, { ordered: false });
    } catch (error) {
      const clashing = duplicateKeyIndexes(error, docs.length);
      if (clashing === null) throw error;
      await this.verifySame(clashing.map((i) => docs[i]).filter((d): d is LedgerDoc => d !== undefined));
    }
  }

  private async verifySame(docs: LedgerDoc[]): Promise<void> {
    const byCustomer = new Map<string, LedgerDoc[]>();
    for (const doc of docs) byCustomer.set(doc.customer, [...(byCustomer.get(doc.customer) ?? []), doc]);
    for (const [customer, mine] of byCustomer) {
      const stored = await this.collections.ledger
        .find({ customer, $or: [{ _id: { $in: mine.map((d) => d._id) } }, { opKey: { $in: mine.map((d) => d.opKey) } }] })
        .toArray();
      for (const doc of mine) {
        const other = stored.find((s) => s._id === doc._id || s.opKey === doc.opKey);
        if (!other || !sameEntry(doc, other)) {
          throw new LedgerConflictError(
            `ledger entry ${doc._id} (${doc.opKey}) meets a different stored entry ${other ? `${other._id} (${other.opKey})` : '(not found)'}`,
          );
        }
      }
    }
  }
}

function sameEntry(a: LedgerDoc, b: LedgerDoc): boolean {
  return (
    a._id === b._id &&
    a.customer === b.customer &&
    a.seq === b.seq &&
    a.type === b.type &&
    a.amount === b.amount &&
    a.balanceAfter === b.balanceAfter &&
    a.opKey === b.opKey &&
    (a.bucket ?? null) === (b.bucket ?? null) &&
    a.ref === b.ref &&
    new Date(a.at).getTime() === new Date(b.at).getTime()
  );
}
