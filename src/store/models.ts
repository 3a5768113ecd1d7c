import { Schema } from 'mongoose';
import type { Connection, mongo } from 'mongoose';
import type { AccountState, LedgerEntry } from '../domain/account';
import type { ArchivedRecord } from '../domain/archive';
import { unavailableAsDomainError } from './unavailable';
import type { Signal } from '../domain/signals';

/**
 * The collections and their indexes. Mongoose owns the index definitions (created at start-up, never
 * lazily: the unique ones are what makes effects exactly-once); reads and writes go through the
 * driver's collections directly, as plain documents (src/store/README.md).
 */

/** A ledger entry as stored: its metadata as JSON text, so any key an app sends can be kept. */
export interface StoredLedgerEntry extends Omit<LedgerEntry, 'id' | 'metadata'> {
  metadata: string | null;
}

export interface LedgerDoc extends StoredLedgerEntry {
  _id: string;
}

/** One customer's whole credit state, changed in place by conditional updates on `version`. */
export interface AccountDoc extends Omit<AccountState, 'customer'> {
  _id: string;
  version: number;
  /** Entries committed with the state and not yet known to be in the ledger collection, oldest first. */
  outbox: StoredLedgerEntry[];
  /** Every entry up to this seq is in the ledger collection. */
  flushedSeq: number;
  nextDueAt: Date | null;
  /** A random id of the write that made this version: tells a batch writer which of its conditional updates won. */
  lastWrite: string;
  /**
   * Signals recorded with the changes that caused them and not yet copied to the signals collection, in
   * order (src/store/README.md). Absent on accounts written before signals existed.
   */
  signalOutbox?: Signal[];
}

export type SignalStatus = 'pending' | 'delivered' | 'dead';

/** A signal on its way to the app: the body as recorded, and where its delivery stands. */
export interface SignalDoc {
  _id: string;
  customer: string;
  n: number;
  type: Signal['type'];
  createdAt: Date;
  body: string;
  status: SignalStatus;
  attempts: number;
  /** When this service first had it in the signals collection (real time): retries end 3 days after. */
  queuedAt: Date;
  nextAttemptAt: Date;
  /** The dispatcher delivering it now; the lease ends at leaseUntil (epoch when none). */
  leaseOwner: string | null;
  leaseUntil: Date;
  lastError: string | null;
  deliveredAt: Date | null;
}

export interface ArchiveDoc {
  _id: string;
  customer: string;
  key: string;
  /** Set for archived top-ups: refunds and disputes find them by payment. */
  paymentIntent: string | null;
  record: ArchivedRecord;
  /** The account version the record was taken from: an older copy never overwrites a newer one. */
  fromVersion: number;
}

export interface EventDoc {
  _id: string;
  type: string;
  created: Date;
  livemode: boolean;
  /** The verified event as Stripe sent it, as JSON text: Stripe allows metadata keys MongoDB field names may not have. */
  payload: string;
  status: 'received' | 'processed' | 'ignored' | 'parked';
  reason: string | null;
  customer: string | null;
  receivedAt: Date;
  finishedAt: Date | null;
}

const options = { versionKey: false, autoIndex: false, strict: false } as const;

// Shard keys (src/store/README.md): accounts by _id (the customer), ledger and archive by customer, events by _id.
const accountSchema = new Schema({ _id: String }, { ...options, collection: 'accounts' });
/**
 * The sweep reads the ids of the accounts due at an instant (a range on nextDueAt, projecting `_id`). With `_id`,
 * the shard key, in the index, a shard answers from the index alone (a covered query: mongod needs the shard key
 * in the index to leave out documents it does not own); `{ nextDueAt: 1 }` alone made it fetch every due account.
 */
export const DUE_INDEX = { nextDueAt: 1, _id: 1 } as const;
accountSchema.index(DUE_INDEX);
accountSchema.index({ externalId: 1 });
// Disputes name a payment, not a customer: the account is found by the payment it holds.
accountSchema.index({ 'topups.paymentIntent': 1 });
accountSchema.index({ 'payments.paymentIntent': 1 });
// The dispatcher finds accounts with signals still to copy: only those have entries in this multikey index.
accountSchema.index({ 'signalOutbox.n': 1 });

const ledgerSchema = new Schema({ _id: String }, { ...options, collection: 'ledger' });
// Each effect (grant of a slot, a debit key, an expiry…) can exist once per customer.
ledgerSchema.index({ customer: 1, opKey: 1 }, { unique: true });
ledgerSchema.index({ customer: 1, seq: -1 }, { unique: true });

const archiveSchema = new Schema({ _id: String }, { ...options, collection: 'account_archive' });
archiveSchema.index({ customer: 1, key: 1 }, { unique: true });
archiveSchema.index({ paymentIntent: 1 }, { sparse: true });

const signalSchema = new Schema({ _id: String }, { ...options, collection: 'signals' });
// Due signals, oldest first; the first pending signal of each customer (delivery is in order per customer).
signalSchema.index({ status: 1, nextAttemptAt: 1 });
signalSchema.index({ customer: 1, status: 1, n: 1 });

const eventSchema = new Schema({ _id: String }, { ...options, collection: 'stripe_events' });
eventSchema.index({ status: 1, created: 1 });

export interface Collections {
  accounts: mongo.Collection<AccountDoc>;
  ledger: mongo.Collection<LedgerDoc>;
  archive: mongo.Collection<ArchiveDoc>;
  events: mongo.Collection<EventDoc>;
  signals: mongo.Collection<SignalDoc>;
}

/** Lets a test stand between the store and the driver (a crash after a write, a count of round trips). */
export type WrapCollection = <T extends object>(name: keyof Collections, collection: mongo.Collection<T>) => mongo.Collection<T>;

/** Indexes an older version created that a newer one replaced: dropped at start-up, on every instance (idempotent). */
const SUPERSEDED_INDEXES = [{ collection: 'accounts', name: 'nextDueAt_1' }] as const;
const INDEX_NOT_FOUND = 27;
const NAMESPACE_NOT_FOUND = 26;

async function dropSuperseded(connection: Connection): Promise<void> {
  for (const { collection, name } of SUPERSEDED_INDEXES) {
    try {
      await connection.db?.collection(collection).dropIndex(name);
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : null;
      if (code !== INDEX_NOT_FOUND && code !== NAMESPACE_NOT_FOUND) throw error;
    }
  }
}

/** Every index the service creates, by collection (the shard plan prints them: src/store/shardKeys.ts). */
export function indexDefinitions(): { collection: string; key: Record<string, unknown>; options: Record<string, unknown> }[] {
  const schemas = [accountSchema, ledgerSchema, archiveSchema, signalSchema, eventSchema];
  return schemas.flatMap((schema) =>
    schema.indexes().map(([key, options]) => ({ collection: String(schema.get('collection')), key: { ...key }, options: { ...(options.unique ? { unique: true } : {}), ...(options.sparse ? { sparse: true } : {}) } })),
  );
}

export async function openCollections(connection: Connection, wrap?: WrapCollection): Promise<Collections> {
  const models = [
    connection.model('Account', accountSchema),
    connection.model('LedgerEntry', ledgerSchema),
    connection.model('ArchivedRecord', archiveSchema),
    connection.model('StripeEvent', eventSchema),
    connection.model('Signal', signalSchema),
  ];
  await Promise.all(models.map((model) => model.createIndexes()));
  await dropSuperseded(connection);
  const db: mongo.Db | undefined = connection.db;
  if (!db) throw new Error('MongoDB connection is not open');
  const w = wrap ?? ((_name, collection) => collection);
  // A test's wrapper stands where the driver does, so what it makes the "driver" throw is translated too.
  return {
    accounts: unavailableAsDomainError(w('accounts', db.collection<AccountDoc>('accounts'))),
    ledger: unavailableAsDomainError(w('ledger', db.collection<LedgerDoc>('ledger'))),
    archive: unavailableAsDomainError(w('archive', db.collection<ArchiveDoc>('account_archive'))),
    events: unavailableAsDomainError(w('events', db.collection<EventDoc>('stripe_events'))),
    signals: unavailableAsDomainError(w('signals', db.collection<SignalDoc>('signals'))),
  };
}
