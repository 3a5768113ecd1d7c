import { Schema } from 'mongoose';
import type { Connection, Model } from 'mongoose';
import type { AccountState, LedgerEntry } from '../domain/account';
import type { StoredEvent } from '../app/ports';

/** What an account document holds: the domain state plus concurrency and outbox bookkeeping. */
export interface AccountDoc extends Omit<AccountState, 'customer'> {
  _id: string;
  version: number;
  outbox: LedgerEntry[];
  flushedSeq: number;
  nextDueAt: Date | null;
}

export interface LedgerDoc extends Omit<LedgerEntry, 'id'> {
  _id: string;
}

export interface EventDoc extends Omit<StoredEvent, 'id'> {
  _id: string;
}

const allocation = new Schema({ bucket: String, amount: Number }, { _id: false });

const ledgerEntryFields = {
  customer: { type: String, required: true },
  seq: { type: Number, required: true },
  type: { type: String, required: true },
  amount: { type: Number, required: true },
  balanceAfter: { type: Number, required: true },
  at: { type: Date, required: true },
  bucket: { type: String, default: null },
  ref: { type: String, required: true },
  opKey: { type: String, required: true },
  allocations: { type: [allocation], default: [] },
  requestHash: { type: String, default: null },
  reason: { type: String, default: null },
  metadata: { type: Schema.Types.Mixed, default: null },
};

const outboxEntry = new Schema({ id: String, ...ledgerEntryFields }, { _id: false });

const bucket = new Schema(
  {
    id: String,
    source: String,
    granted: Number,
    remaining: Number,
    grantedAt: Date,
    expiresAt: { type: Date, default: null },
    expired: Boolean,
    ref: String,
    revoked: Number,
    shortfall: Number,
  },
  { _id: false },
);

const term = new Schema(
  {
    id: String,
    subscriptionId: String,
    invoiceIds: [String],
    plan: String,
    price: String,
    months: Number,
    slotCredits: Number,
    trial: Boolean,
    start: Date,
    end: Date,
    paidAt: Date,
    stoppedAt: { type: Date, default: null },
  },
  { _id: false },
);

const subscription = new Schema(
  {
    id: String,
    plan: { type: String, default: null },
    price: { type: String, default: null },
    months: { type: Number, default: null },
    monthlyCredits: { type: Number, default: null },
    status: String,
    termStart: { type: Date, default: null },
    termEnd: { type: Date, default: null },
    cancelAtPeriodEnd: Boolean,
    asOf: Date,
    endedAt: { type: Date, default: null },
    pauses: [new Schema({ from: Date, to: { type: Date, default: null } }, { _id: false })],
  },
  { _id: false },
);

const accountSchema = new Schema<AccountDoc>(
  {
    _id: String,
    externalId: { type: String, default: null },
    balance: { type: Number, required: true },
    seq: { type: Number, required: true },
    buckets: [bucket],
    terms: [term],
    subscriptions: [subscription],
    version: { type: Number, required: true },
    outbox: [outboxEntry],
    flushedSeq: { type: Number, default: 0 },
    nextDueAt: { type: Date, default: null },
  },
  { collection: 'accounts', versionKey: false, autoIndex: false },
);
accountSchema.index({ nextDueAt: 1 });
accountSchema.index({ externalId: 1 });

const ledgerSchema = new Schema<LedgerDoc>(
  { _id: String, ...ledgerEntryFields },
  { collection: 'ledger', versionKey: false, autoIndex: false },
);
// Each effect (grant of a slot, a debit key, an expiry…) can exist once per customer.
ledgerSchema.index({ customer: 1, opKey: 1 }, { unique: true });
ledgerSchema.index({ customer: 1, seq: -1 }, { unique: true });

const eventSchema = new Schema<EventDoc>(
  {
    _id: String,
    type: { type: String, required: true },
    created: { type: Date, required: true },
    livemode: Boolean,
    payload: Schema.Types.Mixed,
    status: { type: String, required: true },
    reason: { type: String, default: null },
    customer: { type: String, default: null },
    receivedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  { collection: 'stripe_events', versionKey: false, autoIndex: false, minimize: false },
);
eventSchema.index({ status: 1, created: 1 });

export interface Models {
  Account: Model<AccountDoc>;
  Ledger: Model<LedgerDoc>;
  Event: Model<EventDoc>;
}

export function registerModels(connection: Connection): Models {
  return {
    Account: connection.model<AccountDoc>('Account', accountSchema),
    Ledger: connection.model<LedgerDoc>('LedgerEntry', ledgerSchema),
    Event: connection.model<EventDoc>('StripeEvent', eventSchema),
  };
}

/** Indexes are created at start-up, not lazily: the unique ones are what makes effects exactly-once. */
export async function ensureIndexes(models: Models): Promise<void> {
  await Promise.all([models.Account.createIndexes(), models.Ledger.createIndexes(), models.Event.createIndexes()]);
}
