import type { ArchiveQuery, ArchivedRecord } from '../domain/archive';
import type { ArchiveDoc, Collections } from './models';
import { duplicateKeyIndexes } from './mongoErrors';

function archiveId(customer: string, key: string): string {
  return `${customer}|${key}`;
}

/**
 * Settled records that left their account document (src/domain/archive.ts). Written before the account
 * update that removes them, so a crash in between leaves a record in both places (the account's copy
 * wins) and never in neither.
 */
export class ArchiveStore {
  constructor(private readonly collections: Pick<Collections, 'archive'>) {}

  /** Idempotent; a copy taken from an older account version never replaces a newer one. */
  async put(entries: { customer: string; record: ArchivedRecord; fromVersion: number }[]): Promise<void> {
    if (entries.length === 0) return;
    const operations = entries.map(({ customer, record, fromVersion }) => {
      const fields: Omit<ArchiveDoc, '_id'> = {
        customer,
        key: record.key,
        paymentIntent: record.kind === 'topup' ? record.topup.paymentIntent : null,
        record,
        fromVersion,
      };
      // The customer (the shard key) is named: before 7.1, mongos refuses an upsert that lacks it.
      const filter = { _id: archiveId(customer, record.key), customer, fromVersion: { $lt: fromVersion } };
      return { updateOne: { filter, update: { $set: fields }, upsert: true } };
    });
    try {
      await this.collections.archive.bulkWrite(operations, { ordered: false });
    } catch (error) {
      // The upsert of a record already archived from this version or a newer one collides: nothing to do.
      if (duplicateKeyIndexes(error, operations.length) === null) throw error;
    }
  }

  /** `readConcern` majority when the answer is to come from majority-committed data only (src/store/README.md). */
  async find(customer: string, queries: ArchiveQuery[], readConcern?: { readConcern: { level: 'majority' } }): Promise<ArchivedRecord[]> {
    if (queries.length === 0) return [];
    const keys = queries.flatMap((q) => ('key' in q ? [q.key] : []));
    const payments = queries.flatMap((q) => ('paymentIntent' in q ? [q.paymentIntent] : []));
    const docs = await this.collections.archive
      .find({ customer, $or: [{ key: { $in: keys } }, { paymentIntent: { $in: payments } }] }, readConcern)
      .toArray();
    return docs.map((d) => d.record);
  }

  async all(customer: string): Promise<ArchivedRecord[]> {
    const docs = await this.collections.archive.find({ customer }).sort({ key: 1 }).toArray();
    return docs.map((d) => d.record);
  }

  async customerOfPayment(paymentIntent: string): Promise<string | null> {
    const doc = await this.collections.archive.findOne({ paymentIntent }, { projection: { customer: 1 } });
    return doc?.customer ?? null;
  }
}
