import type { LedgerEntry } from '../domain/account';
import type { ArchivedRecord } from '../domain/archive';
import { DomainError } from '../domain/errors';
import type { AccountChange, AccountStore, ChangeRequest, Decide, DueOutcome, KnownEffects, StoredAccount } from '../app/ports';
import { accountLedger, findEntries } from './accountLedger';
import { newAccountDoc, updateOf } from './accountUpdate';
import type { AccountUpdate } from './accountUpdate';
import { ArchiveStore } from './archiveStore';
import { ChangeQueue } from './changeQueue';
import type { PendingChange } from './changeQueue';
import { outboxEntries, stateOf } from './documents';
import { LedgerCollection } from './ledgerCollection';
import { DUE_INDEX } from './models';
import type { AccountDoc, Collections } from './models';
import { isDuplicateKeyError } from './mongoErrors';
import { BackgroundCopies, copyOut, ledgerOutbox } from './outboxes';
import type { CopyFailed, Outbox, OutboxItems } from './outboxes';
import { MAJORITY } from './readConcern';
import type { ReadOptions } from './readConcern';
import { UNAVAILABLE_MESSAGE } from './unavailable';

/**
 * Once a write leaves this many entries in an account's outbox, they are copied to the ledger collection in
 * the background, after the write and off the caller's path (src/store/outboxes.ts).
 */
export const FLUSH_AT = 16;
/**
 * The sweep moves settled history out of the document, and entries with it, sooner: an outbox of this many
 * entries is copied after the sweep's write. Not every time: on SecantusDB a copy costs an insert and a second
 * rewrite of the document (its pull), which would double the sweep's cost at a month boundary; an account the
 * sweep alone writes (two entries a month) is copied every few months and stays small (src/store/README.md).
 */
export const SWEEP_FLUSH_AT = FLUSH_AT / 2;
/**
 * An outbox this long means background copies keep failing (a conflicting ledger entry, say): the next
 * write copies it first, so the failure reaches a caller as ledger_conflict instead of the outbox growing.
 */
export const OUTBOX_LIMIT = 256;
const MAX_ATTEMPTS = 40;
/** Due accounts' ids read at a time by the sweep (bounded memory however many are due). */
const DUE_ID_PAGE = 5000;

export interface StoreOptions {
  /** A background copy of an outbox failed; it is tried again after the account's next write. */
  onCopyFailed?: CopyFailed;
}

/** A decided change and the document it was decided on, ready to be written by one conditional update. */
interface Write<T> {
  base: AccountDoc;
  change: AccountChange;
  result: T;
  update: AccountUpdate;
}

/** An account just written: the document as its writer read it (its outbox emptied, once copied; null: new), and the entries it appended. */
interface Written {
  customer: string;
  before: AccountDoc | null;
  appended: LedgerEntry[];
}

/** An account as a group of changes read it. */
interface Loaded {
  doc: AccountDoc | null;
  /** Entries this account already has, by the effect keys asked for. */
  applied: Map<string, LedgerEntry>;
  /** How it was read (absent: the server's default, `local`), for what a decision reads after it. */
  readConcern?: ReadOptions;
}

/**
 * One document per account, changed in place by a conditional update on its `version`: the whole
 * concurrency control. See src/store/README.md for what each write does and why a crash between any
 * two is safe.
 */
export class MongoAccountStore implements AccountStore {
  private readonly queue = new ChangeQueue((customer, group) => this.changeGroup(customer, group));
  private readonly ledger: LedgerCollection;
  private readonly archive: ArchiveStore;
  private readonly outbox: Outbox<LedgerEntry>;
  private readonly copies: BackgroundCopies<LedgerEntry>;
  private readonly signalListeners: (() => void)[] = [];

  constructor(
    private readonly collections: Collections,
    options: StoreOptions = {},
  ) {
    this.ledger = new LedgerCollection(collections);
    this.archive = new ArchiveStore(collections);
    this.outbox = ledgerOutbox(this.ledger);
    this.copies = new BackgroundCopies((from) => copyOut(collections.accounts, this.outbox, from), options.onCopyFailed);
  }

  async read(customer: string): Promise<StoredAccount | null> {
    const doc = await this.collections.accounts.findOne({ _id: customer });
    return doc && { state: stateOf(doc), ledger: accountLedger(this.ledger, doc) };
  }

  /** Callers of one account in this process are decided and written in groups (src/store/changeQueue.ts). */
  change<T>(request: ChangeRequest<T>): Promise<T> {
    return this.queue.enqueue(request);
  }

  /**
   * Decides every waiting change on the account in turn, each on the state the previous one left, then
   * writes them all with one conditional update. A change whose decision fails answers its own caller
   * with the error and leaves the state as it was for the next. On a lost race the whole group is decided again.
   */
  private async changeGroup(customer: string, group: PendingChange[]): Promise<void> {
    const opKeys = group.flatMap((p) => (p.opKey === undefined ? [] : [p.opKey]));
    let behindMajority = false;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const loaded = await this.load(customer, opKeys);
      const { combined, answers, claims } = await this.decideGroup(customer, group, loaded);
      if (combined === null && claims > 0) {
        // Nothing to write: an answer read from the stored state (a repeated key, a retried capture). Given only
        // from majority-committed data, so a failover cannot roll back what a client was told happened.
        const committed = await this.decideGroup(customer, group, await this.load(customer, opKeys, MAJORITY));
        if (committed.combined === null) {
          for (const answer of committed.answers) answer();
          return;
        }
        // What was read is not on a majority yet (a write whose acknowledgement was lost): wait for it.
        behindMajority = true;
      } else if (combined === null || (await this.write(loaded.doc, combined))) {
        if (combined && combined.signals.length > 0) this.signalsRecorded();
        for (const answer of answers) answer();
        return;
      }
      await backoff(attempt);
    }
    const error = behindMajority
      ? new DomainError('unavailable', UNAVAILABLE_MESSAGE)
      : new DomainError('concurrent_update', `Account ${customer} is changing too fast; try again.`);
    for (const pending of group) pending.reject(error);
  }

  /**
   * The account, then the entries of the group's keys it has: in that order, so an entry that left the outbox
   * before the account was read is found in the ledger collection (it was copied there first).
   */
  private async load(customer: string, opKeys: string[], readConcern?: ReadOptions): Promise<Loaded> {
    const doc = await this.collections.accounts.findOne({ _id: customer }, readConcern);
    const found = doc && opKeys.length > 0 ? await findEntries(this.ledger, doc, [], opKeys, readConcern) : [];
    return { doc, applied: new Map(found.map((entry) => [entry.opKey, entry])), ...(readConcern ? { readConcern } : {}) };
  }

  /**
   * Decides every change of the group on `loaded`, each on the state the previous one left. `claims` counts
   * the answers that report an effect (a refusal claims none).
   */
  private async decideGroup(customer: string, group: PendingChange[], loaded: Loaded): Promise<{ combined: AccountChange | null; answers: (() => void)[]; claims: number }> {
    const stored = loaded.doc ? stateOf(loaded.doc) : null;
    let combined: AccountChange | null = null;
    const answers: (() => void)[] = [];
    let claims = 0;
    for (const pending of group) {
      // Decisions never change the state they are given (they decide on a copy), so one reading serves the group.
      const state = combined?.state ?? stored;
      // A change earlier in the group may already have made this one's effect (the same key twice).
      const earlier = pending.opKey === undefined ? null : (combined?.entries.find((e) => e.opKey === pending.opKey) ?? loaded.applied.get(pending.opKey) ?? null);
      try {
        const { change, deliver } = await pending.decide(state, this.known(customer, loaded.doc, earlier, combined?.entries ?? [], loaded.readConcern));
        answers.push(deliver);
        claims++;
        if (change) combined = combined ? { ...change, entries: [...combined.entries, ...change.entries], archive: [...combined.archive, ...change.archive], signals: [...combined.signals, ...change.signals] } : change;
      } catch (error) {
        answers.push(() => pending.reject(error));
      }
    }
    return { combined, answers, claims };
  }

  private known(customer: string, doc: AccountDoc | null, applied: LedgerEntry | null, decided: LedgerEntry[], readConcern?: ReadOptions): KnownEffects {
    return {
      applied,
      archived: (queries) => this.archive.find(customer, queries, readConcern),
      entries: (opKeys) => findEntries(this.ledger, doc, decided, opKeys, readConcern),
    };
  }

  /**
   * Archive copies first, then the conditional update: false when another writer changed the account
   * since `base` was read. A long outbox is copied to the ledger after the write, off the caller's path.
   */
  private async write(base: AccountDoc | null, change: AccountChange): Promise<boolean> {
    const customer = change.state.customer;
    await this.archive.put(change.archive.map((record) => ({ customer, record, fromVersion: (base?.version ?? 0) + 1 })));
    if (base === null) {
      try {
        await this.collections.accounts.insertOne(newAccountDoc(change));
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
      void this.copyWhenFull([{ customer, before: null, appended: change.entries }]);
      return true;
    }
    const before = await this.copyWhenOverLimit(base);
    const { matchedCount } = await this.collections.accounts.updateOne({ _id: customer, version: base.version }, updateOf(base, change));
    if (matchedCount !== 1) return false;
    void this.copyWhenFull([{ customer, before, appended: change.entries }]);
    return true;
  }

  /**
   * The document as it stands once its outbox is short enough to write to: an outbox of OUTBOX_LIMIT entries
   * is copied before the write (which a copy that fails refuses, with ledger_conflict), else it is left as read.
   */
  private async copyWhenOverLimit(base: AccountDoc): Promise<AccountDoc> {
    if (base.outbox.length < OUTBOX_LIMIT) return base;
    await copyOut(this.collections.accounts, this.outbox, [outboxAfter({ customer: base._id, before: base, appended: [] })]);
    return { ...base, outbox: [] };
  }

  /** After a write: each account whose outbox now holds `at` entries or more is copied, in the background. */
  private copyWhenFull(written: Written[], at = FLUSH_AT): Promise<void> {
    return this.copies.start(written.filter((w) => (w.before?.outbox.length ?? 0) + w.appended.length >= at).map(outboxAfter));
  }

  onSignalsRecorded(listener: () => void): void {
    this.signalListeners.push(listener);
  }

  private signalsRecorded(): void {
    for (const listener of this.signalListeners) listener();
  }

  /** Resolves once every background copy started so far has finished (shutdown, tests). */
  idle(): Promise<void> {
    return this.copies.idle();
  }

  /**
   * The sweep: every account due at `asOf`. The ids of what is due are read first, a page at a time; then each
   * batch costs two round trips however many accounts it holds (read them by id; write every decision with one
   * bulk of conditional updates), plus the archive's upserts when records leave, and then, in the background,
   * the copy of the outboxes that reached SWEEP_FLUSH_AT (one insert, one bulk of pulls). A written account is due no
   * more, so the next page of ids holds the next ones; one that failed is left out for the rest of the run and
   * stays due for the next. An account another writer changed meanwhile is done again on its own.
   */
  async changeAllDue<T>(input: { asOf: Date; batchSize: number; decide: Decide<T>; onOutcome: (outcome: DueOutcome<T>) => void }): Promise<void> {
    const failed: string[] = [];
    const seen = new Set<string>();
    // A batch's outbox copy runs while the next batch is read and decided; the one after waits for it.
    let copying = Promise.resolve();
    for (;;) {
      const page = await this.dueIds(input.asOf, failed);
      // Only what this run has not met yet: an account that stayed due after its write would otherwise loop.
      const fresh = page.filter((id) => !seen.has(id));
      if (fresh.length === 0) return;
      for (const id of fresh) seen.add(id);
      for (let i = 0; i < fresh.length; i += input.batchSize) {
        // Still due: another instance's sweep may have been first.
        const docs = await this.collections.accounts.find({ _id: { $in: fresh.slice(i, i + input.batchSize) }, nextDueAt: { $lte: input.asOf } }).toArray();
        const { outcomes, copy } = await this.writeDue(docs, input.decide);
        for (const outcome of outcomes) {
          if (!outcome.ok) failed.push(outcome.customer);
          input.onOutcome(outcome);
        }
        await copying;
        copying = copy;
      }
      if (page.length < DUE_ID_PAGE) return;
    }
  }

  /**
   * The ids of accounts due at `asOf`, in no particular order: a range on `nextDueAt` read from the index
   * alone. It is read a page of ids at a time rather than a batch of documents at a time because SecantusDB
   * reads the whole range before it applies a limit (measured: 240 ms for any batch of 100 out of 10,000 due,
   * against 14 ms for 100 documents by id), while a real MongoDB stops at the limit either way.
   */
  private async dueIds(asOf: Date, excluded: string[]): Promise<string[]> {
    const filter = excluded.length > 0 ? { nextDueAt: { $lte: asOf }, _id: { $nin: excluded } } : { nextDueAt: { $lte: asOf } };
    const docs = await this.collections.accounts.find(filter, { projection: { _id: 1 }, hint: DUE_INDEX }).limit(DUE_ID_PAGE).toArray();
    return docs.map((d) => d._id);
  }

  private async writeDue<T>(docs: AccountDoc[], decide: Decide<T>): Promise<{ outcomes: DueOutcome<T>[]; copy: Promise<void> }> {
    const outcomes: DueOutcome<T>[] = [];
    const writes: (Write<T> & { before: AccountDoc })[] = [];
    for (const base of docs) {
      try {
        const before = await this.copyWhenOverLimit(base);
        const decision = await decide(stateOf(base), this.known(base._id, base, null, []));
        if (!decision.change) outcomes.push({ customer: base._id, ok: true, result: decision.result });
        else writes.push({ base, before, change: decision.change, result: decision.result, update: updateOf(base, decision.change) });
      } catch (error) {
        outcomes.push({ customer: base._id, ok: false, error });
      }
    }
    if (writes.length === 0) return { outcomes, copy: Promise.resolve() };
    await this.archive.put(writes.flatMap((w) => w.change.archive.map((record) => ({ customer: w.base._id, record, fromVersion: w.base.version + 1 }))));
    const written = await this.writeMany(writes);
    if (writes.some((w) => written.has(w.base._id) && w.change.signals.length > 0)) this.signalsRecorded();
    const copy = this.copyWhenFull(
      writes.filter((w) => written.has(w.base._id)).map((w) => ({ customer: w.base._id, before: w.before, appended: w.change.entries })),
      SWEEP_FLUSH_AT,
    );
    for (const w of writes) {
      if (written.has(w.base._id)) {
        outcomes.push({ customer: w.base._id, ok: true, result: w.result });
        continue;
      }
      // Lost to another writer: decide again on what it wrote.
      try {
        outcomes.push({ customer: w.base._id, ok: true, result: await this.change({ customer: w.base._id, decide }) });
      } catch (error) {
        outcomes.push({ customer: w.base._id, ok: false, error });
      }
    }
    return { outcomes, copy };
  }

  /** The customers whose conditional update won. A bulk result only counts matches, so each write carries its own id. */
  private async writeMany(writes: Pick<Write<unknown>, 'base' | 'update'>[]): Promise<Set<string>> {
    const operations = writes.map(({ base, update }) => ({ updateOne: { filter: { _id: base._id, version: base.version }, update } }));
    const result = await this.collections.accounts.bulkWrite(operations, { ordered: false });
    const ids = writes.map((w) => w.base._id);
    if (result.matchedCount === writes.length) return new Set(ids);
    const current = await this.collections.accounts.find({ _id: { $in: ids } }, { projection: { lastWrite: 1 } }).toArray();
    const mine = new Set(writes.map((w) => w.update.$set.lastWrite));
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

/** What the outbox holds after a write, as its writer knows it (a copy elsewhere may have taken some out since: copied again, they are found the same). */
function outboxAfter(written: Written): OutboxItems<LedgerEntry> {
  return { customer: written.customer, items: [...(written.before ? outboxEntries(written.before) : []), ...written.appended] };
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(50, 2 * attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
