import type { AccountCommit, AccountStore, StoredAccount } from '../app/ports';
import type { AccountDoc, Models } from './models';
import { isDuplicateKeyError } from './mongoErrors';

export class MongoAccountStore implements AccountStore {
  constructor(private readonly models: Models) {}

  async load(customer: string): Promise<StoredAccount | null> {
    const doc = await this.models.Account.findById(customer).lean<AccountDoc>().exec();
    if (!doc) return null;
    return {
      state: {
        customer: doc._id,
        externalId: doc.externalId ?? null,
        balance: doc.balance,
        seq: doc.seq,
        buckets: doc.buckets ?? [],
        terms: doc.terms ?? [],
        subscriptions: (doc.subscriptions ?? []).map((s) => ({ ...s, pauses: s.pauses ?? [] })),
      },
      version: doc.version,
      outbox: doc.outbox ?? [],
      flushedSeq: doc.flushedSeq ?? 0,
    };
  }

  async commit(commit: AccountCommit): Promise<boolean> {
    const { state } = commit;
    const fields = {
      externalId: state.externalId,
      balance: state.balance,
      seq: state.seq,
      buckets: state.buckets,
      terms: state.terms,
      subscriptions: state.subscriptions,
      outbox: commit.outbox,
      nextDueAt: commit.nextDueAt,
    };
    if (commit.expectedVersion === null) {
      try {
        await this.models.Account.create({ _id: state.customer, ...fields, version: 1, flushedSeq: 0 });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    }
    const result = await this.models.Account.updateOne(
      { _id: state.customer, version: commit.expectedVersion },
      { $set: { ...fields, version: commit.expectedVersion + 1 } },
    ).exec();
    return result.matchedCount === 1;
  }

  async markFlushed(customer: string, seq: number): Promise<void> {
    await this.models.Account.updateOne({ _id: customer }, { $max: { flushedSeq: seq } }).exec();
  }

  async findByExternalId(externalId: string): Promise<string | null> {
    const doc = await this.models.Account.findOne({ externalId }, { _id: 1 }).sort({ _id: 1 }).lean<{ _id: string }>().exec();
    return doc?._id ?? null;
  }

  async findDue(now: Date, limit: number): Promise<string[]> {
    const docs = await this.models.Account.find({ nextDueAt: { $ne: null, $lte: now } }, { _id: 1 })
      .sort({ nextDueAt: 1 })
      .limit(limit)
      .lean<{ _id: string }[]>()
      .exec();
    return docs.map((d) => d._id);
  }

  async listCustomers(after: string | null, limit: number): Promise<string[]> {
    const filter = after === null ? {} : { _id: { $gt: after } };
    const docs = await this.models.Account.find(filter, { _id: 1 }).sort({ _id: 1 }).limit(limit).lean<{ _id: string }[]>().exec();
    return docs.map((d) => d._id);
  }
}
