import type { AccountCommit, AccountStore, StoredAccount } from '../app/ports';
import { emptyAccount } from '../domain/account';
import { systemClock } from '../domain/clock';
import type { Clock } from '../domain/clock';
import type { AccountDoc, AccountVersionDoc, Models } from './models';
import { isDuplicateKeyError } from './mongoErrors';

/**
 * Versions older than this (in real time) and no longer the latest two are deleted. A writer
 * holds a loaded version for at most MAX_HOLD_MS (src/app/accounts.ts), far less than this, so
 * no writer can still be about to insert a version that pruning removed.
 */
const PRUNE_AFTER_MS = 10 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 1000;
const PRUNE_BATCH = 500;

function versionId(customer: string, version: number): string {
  return `${customer}:${version}`;
}

export class MongoAccountStore implements AccountStore {
  private lastPrune = 0;

  constructor(
    private readonly models: Models,
    /** Real time, for pruning; the service's (test) clock must never decide what is safe to delete. */
    private readonly realClock: Clock = systemClock,
  ) {}

  /**
   * Every read here is by `_id`: FerretDB v1 on SQLite scans for any query, but 5–10× faster by `_id`
   * than by another field (src/store/README.md, `npm run bench`); MongoDB answers both from an index.
   */
  async load(customer: string): Promise<StoredAccount | null> {
    const head = await this.models.Account.findById(customer).lean<AccountDoc>().exec();
    let latest = await this.versionAt(customer, head?.version ?? 1);
    // The head's version was pruned while we read it (a writer committed two more meanwhile): ask the slow way.
    if (!latest && head) latest = await this.scanLatest(customer);
    if (!latest) return null;
    // A crash between inserting a version and moving the head leaves the head behind: walk forward, then repair it.
    for (let next = await this.versionAt(customer, latest.version + 1); next; next = await this.versionAt(customer, latest.version + 1)) {
      latest = next;
    }
    if (!head || head.version < latest.version) await this.writeHead(latest);
    // Everything that is not bookkeeping is domain state, so new state fields need no change here.
    const { _id, customer: _customer, version, outbox, nextDueAt, committedAt, ...fields } = latest;
    return {
      state: {
        ...emptyAccount(customer),
        ...fields,
        subscriptions: (fields.subscriptions ?? []).map((s) => ({ ...s, pauses: s.pauses ?? [] })),
      },
      version,
      outbox: outbox ?? [],
      flushedSeq: head?.flushedSeq ?? 0,
    };
  }

  private versionAt(customer: string, version: number): Promise<AccountVersionDoc | null> {
    return this.models.AccountVersion.findById(versionId(customer, version)).lean<AccountVersionDoc>().exec();
  }

  private scanLatest(customer: string): Promise<AccountVersionDoc | null> {
    return this.models.AccountVersion.findOne({ customer }).sort({ version: -1 }).lean<AccountVersionDoc>().exec();
  }

  /** Inserting `customer:version+1` succeeds for exactly one writer: that is the whole concurrency control. */
  async commit(commit: AccountCommit): Promise<boolean> {
    const { state } = commit;
    const version = (commit.expectedVersion ?? 0) + 1;
    const { customer, ...fields } = state;
    const doc: AccountVersionDoc = {
      ...fields,
      _id: versionId(customer, version),
      customer,
      version,
      outbox: commit.outbox,
      nextDueAt: commit.nextDueAt,
      committedAt: this.realClock.now(),
    };
    try {
      await this.models.AccountVersion.create(doc);
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
    await this.writeHead(doc);
    return true;
  }

  /** Moves the head forward (never back) to a committed version; a lost race with a newer head is fine. */
  private async writeHead(doc: AccountVersionDoc): Promise<void> {
    try {
      await this.models.Account.updateOne(
        { _id: doc.customer, version: { $lt: doc.version } },
        { $set: { version: doc.version, externalId: doc.externalId, balance: doc.balance, nextDueAt: doc.nextDueAt } },
        { upsert: true },
      ).exec();
    } catch (error) {
      // The head exists with this version or a newer one: the upsert's insert collided.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /**
   * At most once a minute, deletes every version followed by two versions committed more than
   * PRUNE_AFTER_MS ago: no writer still holds a decision based on anything that old. The sweep calls it,
   * so no webhook or debit ever waits for the scan (on FerretDB it costs in proportion to the collection).
   */
  async pruneOldVersions(): Promise<void> {
    const now = this.realClock.now().getTime();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    const old = await this.models.AccountVersion.find({ committedAt: { $lt: new Date(now - PRUNE_AFTER_MS) } }, { customer: 1, version: 1 })
      .lean<{ _id: string; customer: string; version: number }[]>()
      .exec();
    const newestOld = new Map<string, number>();
    for (const v of old) newestOld.set(v.customer, Math.max(v.version, newestOld.get(v.customer) ?? 0));
    const prunable = old.filter((v) => v.version <= (newestOld.get(v.customer) ?? 0) - 2).map((v) => v._id);
    for (let i = 0; i < prunable.length; i += PRUNE_BATCH) {
      await this.models.AccountVersion.deleteMany({ _id: { $in: prunable.slice(i, i + PRUNE_BATCH) } }).exec();
    }
  }

  async findByPaymentIntent(paymentIntent: string): Promise<string | null> {
    const doc = await this.models.AccountVersion.findOne(
      { $or: [{ 'topups.paymentIntent': paymentIntent }, { 'payments.paymentIntent': paymentIntent }] },
      { customer: 1 },
    )
      .lean<{ customer: string }>()
      .exec();
    return doc?.customer ?? null;
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
