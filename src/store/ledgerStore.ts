import type { LedgerEntry } from '../domain/account';
import type { LedgerPage, LedgerStore } from '../app/ports';
import type { LedgerDoc, Models } from './models';
import { isDuplicateKeyError } from './mongoErrors';

function toEntry(doc: LedgerDoc): LedgerEntry {
  const { _id, ...rest } = doc;
  return {
    ...rest,
    id: _id,
    bucket: rest.bucket ?? null,
    allocations: rest.allocations ?? [],
    requestHash: rest.requestHash ?? null,
    reason: rest.reason ?? null,
    metadata: rest.metadata ?? null,
  };
}

export class MongoLedgerStore implements LedgerStore {
  constructor(private readonly models: Models) {}

  async insert(entries: LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const docs = entries.map(({ id, ...rest }) => ({ _id: id, ...rest }));
    try {
      await this.models.Ledger.insertMany(docs, { ordered: false });
    } catch (error) {
      // Entries are append-only with fixed ids: one already written by an earlier attempt is the same entry.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async findByOpKey(customer: string, opKey: string): Promise<LedgerEntry | null> {
    const doc = await this.models.Ledger.findOne({ customer, opKey }).lean<LedgerDoc>().exec();
    return doc ? toEntry(doc) : null;
  }

  async page(customer: string, page: LedgerPage): Promise<LedgerEntry[]> {
    const filter = page.beforeSeq === null ? { customer } : { customer, seq: { $lt: page.beforeSeq } };
    const docs = await this.models.Ledger.find(filter).sort({ seq: -1 }).limit(page.limit).lean<LedgerDoc[]>().exec();
    return docs.map(toEntry);
  }

  async all(customer: string): Promise<LedgerEntry[]> {
    const docs = await this.models.Ledger.find({ customer }).sort({ seq: 1 }).lean<LedgerDoc[]>().exec();
    return docs.map(toEntry);
  }
}
