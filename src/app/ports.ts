import type { AccountState, LedgerEntry } from '../domain/account';

/** An account as stored: its state, an optimistic version, and ledger entries not yet copied to the ledger. */
export interface StoredAccount {
  state: AccountState;
  version: number;
  /** Entries committed with the state but perhaps not yet in the ledger collection (see src/store/README.md). */
  outbox: LedgerEntry[];
  flushedSeq: number;
}

export interface AccountCommit {
  /** null: the account must not exist yet. */
  expectedVersion: number | null;
  state: AccountState;
  /** Every entry the ledger may still lack: the unflushed outbox plus the new ones. */
  outbox: LedgerEntry[];
  nextDueAt: Date | null;
}

export interface AccountStore {
  load(customer: string): Promise<StoredAccount | null>;
  /** Writes the whole state iff nobody else committed since `expectedVersion`; false on a lost race. */
  commit(commit: AccountCommit): Promise<boolean>;
  /** Records that entries up to `seq` are in the ledger collection, so the outbox can drop them. */
  markFlushed(customer: string, seq: number): Promise<void>;
  findByExternalId(externalId: string): Promise<string | null>;
  /** The account holding a top-up or a refund/dispute record of this payment intent. */
  findByPaymentIntent(paymentIntent: string): Promise<string | null>;
  /** Accounts whose next slot start or expiry is at or before `now`. */
  findDue(now: Date, limit: number): Promise<string[]>;
  /** Every account id, in pages, for whole-ledger checks. */
  listCustomers(after: string | null, limit: number): Promise<string[]>;
  /** Deletes old versions no writer can still build on. Cheap to call often: the store decides when to scan. */
  pruneOldVersions(): Promise<void>;
}

export interface LedgerPage {
  limit: number;
  /** Entries with a smaller sequence number than this (newest first). */
  beforeSeq: number | null;
}

export interface LedgerStore {
  /** Idempotent: an entry already present is left as it is. */
  insert(entries: LedgerEntry[]): Promise<void>;
  findByOpKey(customer: string, opKey: string): Promise<LedgerEntry | null>;
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
