import type { AccountState, LedgerEntry } from '../domain/account';
import type { ArchiveQuery, ArchivedRecord } from '../domain/archive';
import type { Signal } from '../domain/signals';

/** An account as a reader sees it: its stored state and the ledger's newest entries. */
export interface AccountRecord {
  state: AccountState;
  /**
   * Entries newer than what `LedgerStore.page` returns yet, oldest first: the store copies them to the
   * ledger collection in batches (src/store/README.md), and a complete ledger is both together.
   */
  recentEntries: LedgerEntry[];
}

/** What one decision writes: the account's new state, the entries that got it there, and what leaves for the archive. */
export interface AccountChange {
  state: AccountState;
  entries: LedgerEntry[];
  /** When the sweep must next look at this account (a slot start, an expiry); null: never by itself. */
  nextDueAt: Date | null;
  archive: ArchivedRecord[];
  /** Signals to the app this change causes (src/domain/signals.ts): written in the same update, so never lost. */
  signals: Signal[];
}

export interface AccountDecision<T> {
  result: T;
  /** null: nothing to write (the answer is read from what is stored). */
  change: AccountChange | null;
}

export interface DecideContext {
  /** The entry of the effect named by the request's `opKey`, if this account already has it. */
  applied: LedgerEntry | null;
  /** Archived records of this account (src/domain/archive.ts); rarely asked. */
  archived(queries: ArchiveQuery[]): Promise<ArchivedRecord[]>;
  /**
   * The entries of these effect keys the account already has, decided in this write or committed (the
   * outbox, else the ledger collection: asked only when the outbox lacks one). For effects found lazily,
   * such as the outcome of a hold that has left the account.
   */
  entries(opKeys: string[]): Promise<LedgerEntry[]>;
}

export type Decide<T> = (current: AccountState | null, context: DecideContext) => Promise<AccountDecision<T>> | AccountDecision<T>;

export interface ChangeRequest<T> {
  customer: string;
  /** An effect key (a debit's idempotency key) to look for along with the account, in the same read. */
  opKey?: string;
  /**
   * Decides from the account as stored (null: none yet). May be called more than once: a decision
   * made on a state someone else changed meanwhile is thrown away and made again on the new state.
   */
  decide: Decide<T>;
}

export type DueOutcome<T> = { customer: string; ok: true; result: T } | { customer: string; ok: false; error: unknown };

export interface AccountStore {
  /** The account as stored, or null. One read, no write. */
  read(customer: string): Promise<AccountRecord | null>;
  /** Applies one decision atomically to one account; returns the decision's result once it is written. */
  change<T>(request: ChangeRequest<T>): Promise<T>;
  /**
   * The sweep: every account due at `asOf`, each decided and written, in batches of `batchSize` that cost a
   * few round trips each. Every account's outcome is reported; one that fails is left due for the next run.
   */
  changeAllDue<T>(input: { asOf: Date; batchSize: number; decide: Decide<T>; onOutcome: (outcome: DueOutcome<T>) => void }): Promise<void>;
  findByExternalId(externalId: string): Promise<string | null>;
  /** The account holding a top-up or a refund/dispute record of this payment intent (archived ones too). */
  findByPaymentIntent(paymentIntent: string): Promise<string | null>;
  /** Every account id, in pages, for whole-ledger checks. */
  listCustomers(after: string | null, limit: number): Promise<string[]>;
  /** Every archived record of an account, for reconcile's view of its whole history. */
  archivedRecords(customer: string): Promise<ArchivedRecord[]>;
  /** Told after each write that recorded signals, so a dispatcher in this process delivers them without waiting to poll. */
  onSignalsRecorded(listener: () => void): void;
}

export interface LedgerPage {
  limit: number;
  /** Entries with a smaller sequence number than this (newest first). */
  beforeSeq: number | null;
}

/** The ledger collection: every entry once the store has copied it there (see AccountRecord.recentEntries). */
export interface LedgerStore {
  page(customer: string, page: LedgerPage): Promise<LedgerEntry[]>;
  all(customer: string): Promise<LedgerEntry[]>;
}

export type EventOutcome = 'processed' | 'ignored' | 'parked';

export interface IncomingEvent {
  id: string;
  type: string;
  created: Date;
  livemode: boolean;
  payload: unknown;
}

export interface StoredEvent extends IncomingEvent {
  status: 'received' | EventOutcome;
  reason: string | null;
  customer: string | null;
  receivedAt: Date;
  finishedAt: Date | null;
}

export interface EventStore {
  /** 'done' when this event id was already applied (or ignored/parked); 'open' when it must be (re)applied. */
  begin(event: IncomingEvent, receivedAt: Date): Promise<'open' | 'done'>;
  finish(id: string, outcome: { status: EventOutcome; reason: string | null; customer: string | null; at: Date }): Promise<void>;
  get(id: string): Promise<StoredEvent | null>;
  listParked(limit: number): Promise<StoredEvent[]>;
}

export interface Ping {
  ping(): Promise<boolean>;
}

/** A signal on its way to the app, as the dispatcher and the admin CLI see it. */
export interface QueuedSignal {
  id: string;
  customer: string;
  n: number;
  type: string;
  createdAt: Date;
  body: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  queuedAt: Date;
  nextAttemptAt: Date;
  lastError: string | null;
  deliveredAt: Date | null;
}

/**
 * Where signals wait for delivery (src/store/README.md). Safe with several dispatchers at once: a signal
 * is delivered only by the holder of its lease, and only once every earlier signal of its customer is done.
 */
export interface SignalQueue {
  /** Moves signals recorded with account changes into the queue, in order per customer; how many accounts it emptied. */
  collect(now: Date, limit: number): Promise<number>;
  /** Pending signals due at `now`, each the first still pending of its customer, and not leased. */
  due(now: Date, limit: number): Promise<QueuedSignal[]>;
  /** Takes the signal for `owner` until `until`, unless another dispatcher holds it or it is no longer pending. */
  lease(id: string, owner: string, until: Date, now: Date): Promise<boolean>;
  /** Records an attempt's outcome, if `owner` still holds the lease; a retry also holds back the customer's later signals. */
  finish(signal: QueuedSignal, owner: string, outcome: SignalAttemptOutcome): Promise<boolean>;
  /** Dead signals, and pending ones that have failed at least once, oldest first. */
  failed(limit: number): Promise<QueuedSignal[]>;
  /** Makes a dead or waiting signal due now, with 3 more days of retries; null when there is no such signal. */
  retry(id: string, now: Date): Promise<QueuedSignal | null>;
}

export type SignalAttemptOutcome =
  | { status: 'delivered'; attempts: number; deliveredAt: Date }
  | { status: 'pending'; attempts: number; nextAttemptAt: Date; lastError: string }
  | { status: 'dead'; attempts: number; lastError: string };
