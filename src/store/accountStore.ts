import { randomUUID } from 'node:crypto';
import type { AccountState, LedgerEntry } from '../domain/account';
import { DomainError } from '../domain/errors';
import type {
  AccountChange,
  AccountRecord,
  AccountStore,
  ChangeRequest,
  Decide,
  DecideContext,
  DueOutcome,
} from '../app/ports';
import type { ArchivedRecord } from '../domain/archive';
import { ArchiveStore } from './archiveStore';
import { accountDoc, fromLedgerDoc, outboxEntries, stateOf, toStoredEntry } from './documents';
import { ChangeQueue } from './changeQueue';
import type { PendingChange } from './changeQueue';
import { MongoLedgerStore } from './ledgerStore';
import { DUE_INDEX } from './models';
import type { AccountDoc, Collections } from './models';
import { isDuplicateKeyError } from './mongoErrors';
import { UNAVAILABLE_MESSAGE } from './unavailable';

/**
 * Once an account's outbox holds this many entries, they are copied to the ledger collection in the
 * background after the write that reached it (src/store/README.md), so no request waits for the copy.
 */
export const FLUSH_AT = 16;
/**
 * An outbox this long means background copies keep failing (a conflicting ledger entry, say): the next
 * write copies it itself, so the failure reaches a caller as ledger_conflict instead of the outbox growing.
 */
export const OUTBOX_LIMIT = 256;
const MAX_ATTEMPTS = 40;
/** Due accounts' ids read at a time by the sweep (bounded memory however many are due). */
const DUE_ID_PAGE = 5000;

interface Loaded {
  doc: AccountDoc | null;
  /** Entries this account already has, by the effect keys asked for. */
  applied: Map<string, LedgerEntry>;
  /** How it was read (absent: the server's default, `local`), for what a decision reads after it. */
  readConcern?: ReadOptions;
}

type ReadOptions = { readConcern: { level: 'majority' } };
/** Data a majority of the replica set has: a failover cannot roll it back (src/store/README.md). */
const MAJORITY: ReadOptions = { readConcern: { level: 'majority' } };

export interface StoreOptions {
  /** A background copy of an outbox failed; it is tried again after the account's next write. */
  onCopyFailed?: (failure: { customer: string; error: unknown }) => void;
}

/**
 * One document per account, changed in place by a conditional update on its `version`: the whole
 * concurrency control. See src/store/README.md for what each write does and why a crash between any
 * two is safe.
 */
export class MongoAccountStore implements AccountStore {
  private readonly queue = new ChangeQueue((customer, group) => this.changeGroup(customer, group));
  private readonly ledger: MongoLedgerStore;
  private readonly archive: ArchiveStore;

  private readonly copying = new Map<string, Promise<void>>();
  private readonly signalListeners: (() => void)[] = [];

  constructor(
    private readonly collections: Collections,
    private readonly options: StoreOptions = {},
  ) {
    this.ledger = new MongoLedgerStore(collections);
    this.archive = new ArchiveStore(collections);
  }

  async read(customer: string): Promise<AccountRecord | null> {
    const doc = await this.collections.accounts.findOne({ _id: customer });
    return doc && { state: stateOf(doc), recentEntries: outboxEntries(doc) };
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
      const applied = pending.opKey === undefined ? null : (combined?.entries.find((e) => e.opKey === pending.opKey) ?? loaded.applied.get(pending.opKey) ?? null);
      try {
        const { change, deliver } = await pending.decide(state, this.context(customer, applied, loaded.doc, combined?.entries ?? [], loaded.readConcern));
        answers.push(deliver);
        claims++;
        if (change) combined = combined ? { ...change, entries: [...combined.entries, ...change.entries], archive: [...combined.archive, ...change.archive], signals: [...combined.signals, ...change.signals] } : change;
      } catch (error) {
        answers.push(() => pending.reject(error));
      }
    }
    return { combined, answers, claims };
  }

  private context(customer: string, applied: LedgerEntry | null, doc: AccountDoc | null, decided: LedgerEntry[], readConcern?: ReadOptions): DecideContext {
    return {
      applied,
      archived: (queries) => this.archive.find(customer, queries, readConcern),
      entries: (opKeys) => this.findEntries(customer, doc, decided, opKeys, readConcern),
    };
  }

  /** The same order as `load`: what this group decided, the outbox as read, then the ledger collection. */
  private async findEntries(customer: string, doc: AccountDoc | null, decided: LedgerEntry[], opKeys: string[], readConcern?: ReadOptions): Promise<LedgerEntry[]> {
    const found = new Map<string, LedgerEntry>();
    for (const entry of [...decided, ...(doc ? outboxEntries(doc) : [])]) {
      if (opKeys.includes(entry.opKey) && !found.has(entry.opKey)) found.set(entry.opKey, entry);
    }
    const missing = opKeys.filter((k) => !found.has(k));
    if (missing.length > 0 && doc !== null && doc.flushedSeq > 0) {
      for (const doc of await this.collections.ledger.find({ customer, opKey: { $in: missing } }, readConcern).toArray()) found.set(doc.opKey, fromLedgerDoc(doc));
    }
    return [...found.values()];
  }

  /**
   * The account, then the entries of `opKeys` it already has (`findEntries`: the outbox, else the ledger
   * collection). Read in that order, which is what makes it sound: an entry that left the outbox before
   * the account was read had been copied to the ledger first.
   */
  private async load(customer: string, opKeys: string[], readConcern?: ReadOptions): Promise<Loaded> {
    const doc = await this.collections.accounts.findOne({ _id: customer }, readConcern);
    const found = doc && opKeys.length > 0 ? await this.findEntries(customer, doc, [], opKeys, readConcern) : [];
    return { doc, applied: new Map(found.map((entry) => [entry.opKey, entry])), ...(readConcern ? { readConcern } : {}) };
  }

  /**
   * Archive copies first, then the conditional update: false when another writer changed the account
   * since `base` was read. A long outbox is copied to the ledger after the write, off the caller's path.
   */
  private async write(base: AccountDoc | null, change: AccountChange): Promise<boolean> {
    const customer = change.state.customer;
    const version = (base?.version ?? 0) + 1;
    await this.archive.put(change.archive.map((record) => ({ customer, record, fromVersion: version })));
    if (base === null) {
      try {
        await this.collections.accounts.insertOne(newAccountDoc(change));
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    }
    const copyNow = base.outbox.length >= OUTBOX_LIMIT;
    if (copyNow) await this.ledger.copy(outboxEntries(base));
    const { matchedCount } = await this.collections.accounts.updateOne({ _id: customer, version: base.version }, updateOf(base, change, copyNow));
    if (matchedCount !== 1) return false;
    const held = (copyNow ? 0 : base.outbox.length) + change.entries.length;
    if (held >= FLUSH_AT) this.copyInBackground(customer, [...(copyNow ? [] : outboxEntries(base)), ...change.entries]);
    return true;
  }

  /**
   * Copies entries to the ledger collection, then takes them out of the outbox. The removal is not
   * conditional on the version: whichever writer comes next still finds every entry in one place or the
   * other, and a writer that had read them before puts copies back, which the next copy verifies as same.
   */
  private copyInBackground(customer: string, entries: LedgerEntry[]): void {
    if (this.copying.has(customer) || entries.length === 0) return;
    const through = Math.max(...entries.map((e) => e.seq));
    const copy = (async () => {
      try {
        await this.ledger.copy(entries);
        await this.collections.accounts.updateOne({ _id: customer }, { $pull: { outbox: { seq: { $lte: through } } }, $max: { flushedSeq: through } });
      } catch (error) {
        this.options.onCopyFailed?.({ customer, error });
      } finally {
        this.copying.delete(customer);
      }
    })();
    this.copying.set(customer, copy);
  }

  onSignalsRecorded(listener: () => void): void {
    this.signalListeners.push(listener);
  }

  private signalsRecorded(): void {
    for (const listener of this.signalListeners) listener();
  }

  /** Resolves once every background copy started so far has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.copying.size > 0) await Promise.all(this.copying.values());
  }

  /**
   * The sweep: every account due at `asOf`. The ids of what is due are read first, a page at a time; then each
   * batch costs three round trips however many accounts it holds (read them by id; copy their outboxes to the
   * ledger, and settled records to the archive; write every decision with one bulk of conditional updates).
   * A written account is due no more, so the next page of ids holds the next ones; one that failed is left out
   * for the rest of the run and stays due for the next. An account another writer changed meanwhile is done
   * again on its own.
   */
  async changeAllDue<T>(input: { asOf: Date; batchSize: number; decide: Decide<T>; onOutcome: (outcome: DueOutcome<T>) => void }): Promise<void> {
    const failed: string[] = [];
    const seen = new Set<string>();
    for (;;) {
      const page = await this.dueIds(input.asOf, failed);
      // Only what this run has not met yet: an account that stayed due after its write would otherwise loop.
      const fresh = page.filter((id) => !seen.has(id));
      if (fresh.length === 0) return;
      for (const id of fresh) seen.add(id);
      for (let i = 0; i < fresh.length; i += input.batchSize) {
        // Still due: another instance's sweep may have been first.
        const docs = await this.collections.accounts.find({ _id: { $in: fresh.slice(i, i + input.batchSize) }, nextDueAt: { $lte: input.asOf } }).toArray();
        for (const outcome of await this.writeDue(docs, input.decide)) {
          if (!outcome.ok) failed.push(outcome.customer);
          input.onOutcome(outcome);
        }
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

  private async writeDue<T>(docs: AccountDoc[], decide: Decide<T>): Promise<DueOutcome<T>[]> {
    const outcomes: DueOutcome<T>[] = [];
    const writes: { base: AccountDoc; change: AccountChange; result: T; update: AccountUpdate }[] = [];
    for (const base of docs) {
      try {
        const decision = await decide(stateOf(base), this.context(base._id, null, base, []));
        if (!decision.change) outcomes.push({ customer: base._id, ok: true, result: decision.result });
        else writes.push({ base, change: decision.change, result: decision.result, update: updateOf(base, decision.change, true) });
      } catch (error) {
        outcomes.push({ customer: base._id, ok: false, error });
      }
    }
    if (writes.length === 0) return outcomes;
    await this.archive.put(writes.flatMap((w) => w.change.archive.map((record) => ({ customer: w.base._id, record, fromVersion: w.base.version + 1 }))));
    await this.ledger.copy(writes.flatMap((w) => outboxEntries(w.base)));
    const written = await this.writeMany(writes.map((w) => ({ base: w.base, update: w.update })));
    if (writes.some((w) => written.has(w.base._id) && w.change.signals.length > 0)) this.signalsRecorded();
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
    return outcomes;
  }

  /** The customers whose conditional update won. A bulk result only counts matches, so each write carries its own id. */
  private async writeMany(writes: { base: AccountDoc; update: AccountUpdate }[]): Promise<Set<string>> {
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

/** The whole document of a new account. */
function newAccountDoc(change: AccountChange): AccountDoc {
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

interface AccountUpdate {
  $set: Partial<AccountDoc> & { lastWrite: string; version: number };
  $push?: { outbox?: { $each: AccountDoc['outbox'] }; signalOutbox?: { $each: NonNullable<AccountDoc['signalOutbox']> } };
}

/**
 * The update that turns `base` into the decided state: only the fields that changed, and the new entries
 * appended to the outbox (or, when the outbox was just copied, the outbox replaced by them).
 */
function updateOf(base: AccountDoc, change: AccountChange, copied: boolean): AccountUpdate {
  const $set: AccountUpdate['$set'] = { version: base.version + 1, lastWrite: randomUUID(), nextDueAt: change.nextDueAt };
  // State fields are stored as they are (src/store/documents.ts), so a field is compared with the state's own.
  for (const key of STATE_FIELDS) {
    if (!sameValue(base[key], change.state[key])) Object.assign($set, { [key]: change.state[key] });
  }
  const added = change.entries.map(toStoredEntry);
  // Signals are only ever appended here and pulled by the dispatcher once copied, never set whole: a
  // write decided before a copy cannot put a copied signal back.
  const signals = change.signals.length > 0 ? { signalOutbox: { $each: change.signals } } : {};
  if (copied) {
    $set.outbox = added;
    $set.flushedSeq = base.outbox.at(-1)?.seq ?? base.flushedSeq;
    return change.signals.length > 0 ? { $set, $push: signals } : { $set };
  }
  if (added.length === 0 && change.signals.length === 0) return { $set };
  return { $set, $push: { ...(added.length > 0 ? { outbox: { $each: added } } : {}), ...signals } };
}

type StateField = Exclude<keyof AccountState, 'customer'>;
const STATE_FIELDS = ['externalId', 'balance', 'seq', 'buckets', 'terms', 'subscriptions', 'planChanges', 'topups', 'payments', 'archived', 'holds', 'signalSeq'] as const satisfies readonly StateField[];
/** A state field missing from STATE_FIELDS would silently never be written: this fails to compile instead. */
export const everyStateFieldWritten: [Exclude<StateField, (typeof STATE_FIELDS)[number]>] extends [never] ? true : false = true;

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(50, 2 * attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
