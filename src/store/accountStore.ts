import { randomUUID } from 'node:crypto';
import type { LedgerEntry } from '../domain/account';
import { DomainError } from '../domain/errors';
import type {
  AccountChange,
  AccountRecord,
  AccountStore,
  ChangeRequest,
  Decide,
  DecideContext,
  DueCursor,
  DueOutcome,
} from '../app/ports';
import type { ArchivedRecord } from '../domain/archive';
import { ArchiveStore } from './archiveStore';
import { accountDoc, fromLedgerDoc, outboxEntries, stateOf, toStoredEntry } from './documents';
import { KeyedMutex } from './keyedMutex';
import { MongoLedgerStore } from './ledgerStore';
import type { AccountDoc, Collections, LedgerDoc } from './models';
import { isDuplicateKeyError } from './mongoErrors';

/** A write copies the outbox to the ledger collection once it holds this many entries (src/store/README.md). */
export const FLUSH_AT = 32;
const MAX_ATTEMPTS = 40;

interface Loaded {
  doc: AccountDoc | null;
  applied: LedgerEntry | null;
}

interface LookupDoc extends AccountDoc {
  appliedEntry?: LedgerDoc[];
}

/**
 * One document per account, changed in place by a conditional update on its `version`: the whole
 * concurrency control. See src/store/README.md for what each write does and why a crash between any
 * two is safe.
 */
export class MongoAccountStore implements AccountStore {
  private readonly mutex = new KeyedMutex();
  private readonly ledger: MongoLedgerStore;
  private readonly archive: ArchiveStore;

  constructor(private readonly collections: Collections) {
    this.ledger = new MongoLedgerStore(collections);
    this.archive = new ArchiveStore(collections);
  }

  async read(customer: string): Promise<AccountRecord | null> {
    const doc = await this.collections.accounts.findOne({ _id: customer });
    return doc && { state: stateOf(doc), recentEntries: outboxEntries(doc) };
  }

  /** In-process callers of one account take turns, so they do not spend their attempts racing each other. */
  change<T>(request: ChangeRequest<T>): Promise<T> {
    return this.mutex.run(request.customer, () => this.changeUnlocked(request));
  }

  private async changeUnlocked<T>(request: ChangeRequest<T>): Promise<T> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const loaded = await this.load(request.customer, request.opKey);
      const decision = await request.decide(loaded.doc ? stateOf(loaded.doc) : null, this.context(request.customer, loaded.applied));
      if (!decision.change) return decision.result;
      if (await this.write(loaded.doc, decision.change)) return decision.result;
      await backoff(attempt);
    }
    throw new DomainError('concurrent_update', `Account ${request.customer} is changing too fast; try again.`);
  }

  private context(customer: string, applied: LedgerEntry | null): DecideContext {
    return { applied, archived: (queries) => this.archive.find(customer, queries) };
  }

  /**
   * The account, and the entry of `opKey` in the same round trip: looked for in the outbox, else in the
   * ledger by a lookup that runs after the account was read. That order is what makes it sound: an
   * entry that left the outbox before the read was copied to the ledger before it left.
   */
  private async load(customer: string, opKey: string | undefined): Promise<Loaded> {
    if (opKey === undefined) return { doc: await this.collections.accounts.findOne({ _id: customer }), applied: null };
    const [found] = await this.collections.accounts
      .aggregate<LookupDoc>([
        { $match: { _id: customer } },
        { $lookup: { from: 'ledger', pipeline: [{ $match: { customer, opKey } }, { $limit: 1 }], as: 'appliedEntry' } },
      ])
      .toArray();
    if (!found) return { doc: null, applied: null };
    const { appliedEntry, ...doc } = found;
    const inOutbox = outboxEntries(doc).find((e) => e.opKey === opKey);
    const inLedger = appliedEntry?.[0];
    return { doc, applied: inOutbox ?? (inLedger ? fromLedgerDoc(inLedger) : null) };
  }

  /**
   * Archive copies first, then the outbox's older entries to the ledger once it is long enough, then the
   * conditional update: false when another writer changed the account since `base` was read.
   */
  private async write(base: AccountDoc | null, change: AccountChange): Promise<boolean> {
    const version = (base?.version ?? 0) + 1;
    const customer = change.state.customer;
    await this.archive.put(change.archive.map((record) => ({ customer, record, fromVersion: version })));
    const flush = base !== null && base.outbox.length >= FLUSH_AT;
    if (flush) await this.ledger.copy(outboxEntries(base));
    const doc = this.nextDoc(base, change, { version, flush });
    if (base === null) {
      try {
        await this.collections.accounts.insertOne(doc);
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    }
    const { matchedCount } = await this.collections.accounts.replaceOne({ _id: customer, version: base.version }, doc);
    return matchedCount === 1;
  }

  private nextDoc(base: AccountDoc | null, change: AccountChange, options: { version: number; flush: boolean }): AccountDoc {
    const kept = base && !options.flush ? base.outbox : [];
    const flushedSeq = base ? (options.flush ? (base.outbox.at(-1)?.seq ?? base.flushedSeq) : base.flushedSeq) : 0;
    return accountDoc({
      state: change.state,
      version: options.version,
      outbox: [...kept, ...change.entries.map(toStoredEntry)],
      flushedSeq,
      nextDueAt: change.nextDueAt,
      lastWrite: randomUUID(),
    });
  }

  /**
   * One batch of the sweep in three round trips however many accounts are due: read them, copy their
   * outboxes to the ledger (and settled records to the archive), write every decision with one bulk of
   * conditional updates. An account another writer changed meanwhile is done again on its own.
   */
  async changeDue<T>(input: { asOf: Date; after: DueCursor | null; limit: number; decide: Decide<T> }): Promise<{
    outcomes: DueOutcome<T>[];
    next: DueCursor | null;
  }> {
    const { asOf, after } = input;
    const cursor = after ? { $or: [{ nextDueAt: { $gt: after.nextDueAt } }, { nextDueAt: after.nextDueAt, _id: { $gt: after.customer } }] } : {};
    const docs = await this.collections.accounts
      .find({ nextDueAt: { $ne: null, $lte: asOf }, ...cursor })
      .sort({ nextDueAt: 1, _id: 1 })
      .limit(input.limit)
      .toArray();
    const last = docs.at(-1);
    const next = docs.length === input.limit && last?.nextDueAt ? { nextDueAt: last.nextDueAt, customer: last._id } : null;

    const outcomes: DueOutcome<T>[] = [];
    const writes: { base: AccountDoc; change: AccountChange; result: T; doc: AccountDoc }[] = [];
    for (const base of docs) {
      try {
        const decision = await input.decide(stateOf(base), this.context(base._id, null));
        if (!decision.change) outcomes.push({ customer: base._id, ok: true, result: decision.result });
        else {
          const doc = this.nextDoc(base, decision.change, { version: base.version + 1, flush: true });
          writes.push({ base, change: decision.change, result: decision.result, doc });
        }
      } catch (error) {
        outcomes.push({ customer: base._id, ok: false, error });
      }
    }
    if (writes.length === 0) return { outcomes, next };

    const archived: { customer: string; record: ArchivedRecord; fromVersion: number }[] = writes.flatMap((w) =>
      w.change.archive.map((record) => ({ customer: w.base._id, record, fromVersion: w.doc.version })),
    );
    await this.archive.put(archived);
    await this.ledger.copy(writes.flatMap((w) => outboxEntries(w.base)));
    const written = await this.writeMany(writes.map((w) => ({ base: w.base, doc: w.doc })));
    for (const w of writes) {
      if (written.has(w.base._id)) {
        outcomes.push({ customer: w.base._id, ok: true, result: w.result });
        continue;
      }
      // Lost to another writer: decide again on what it wrote.
      try {
        outcomes.push({ customer: w.base._id, ok: true, result: await this.change({ customer: w.base._id, decide: input.decide }) });
      } catch (error) {
        outcomes.push({ customer: w.base._id, ok: false, error });
      }
    }
    return { outcomes, next };
  }

  /** The customers whose conditional update won. A bulk result only counts matches, so each write carries its own id. */
  private async writeMany(writes: { base: AccountDoc; doc: AccountDoc }[]): Promise<Set<string>> {
    const operations = writes.map(({ base, doc }) => ({ replaceOne: { filter: { _id: base._id, version: base.version }, replacement: doc } }));
    const result = await this.collections.accounts.bulkWrite(operations, { ordered: false });
    const ids = writes.map((w) => w.base._id);
    if (result.matchedCount === writes.length) return new Set(ids);
    const current = await this.collections.accounts.find({ _id: { $in: ids } }, { projection: { lastWrite: 1 } }).toArray();
    const mine = new Set(writes.map((w) => w.doc.lastWrite));
    return new Set(current.filter((d) => mine.has(d.lastWrite)).map((d) => d._id));
  }

  async findByExternalId(externalId: string): Promise<string | null> {
    const doc = await this.collections.accounts.find({ externalId }, { projection: { _id: 1 } }).sort({ _id: 1 }).limit(1).next();
    return doc?._id ?? null;
  }

  async findByPaymentIntent(paymentIntent: string): Promise<string | null> {
    const doc = await this.collections.accounts.findOne(
      { $or: [{ 'topups.paymentIntent': paymentIntent }, { 'payments.paymentIntent': paymentIntent }] },
      { projection: { _id: 1 } },
    );
    return doc?._id ?? (await this.archive.customerOfPayment(paymentIntent));
  }

  async listCustomers(after: string | null, limit: number): Promise<string[]> {
    const filter = after === null ? {} : { _id: { $gt: after } };
    const docs = await this.collections.accounts.find(filter, { projection: { _id: 1 } }).sort({ _id: 1 }).limit(limit).toArray();
    return docs.map((d) => d._id);
  }

  archivedRecords(customer: string): Promise<ArchivedRecord[]> {
    return this.archive.all(customer);
  }
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(50, 2 * attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
