import { Schema } from 'mongoose';
import type { Connection, Model } from 'mongoose';
import type { AccountState, LedgerEntry } from '../domain/account';
import type { StoredEvent } from '../app/ports';

/**
 * One committed version of an account: the whole domain state plus its ledger outbox. Versions are
 * only ever inserted, and `_id` = `customer:version` is unique, so inserting version N+1 is an atomic
 * compare-and-set on any MongoDB-compatible server (FerretDB v1 included, whose conditional updates
 * are not atomic). See src/store/README.md.
 */
export interface AccountVersionDoc extends Omit<AccountState, 'customer'> {
  _id: string;
  customer: string;
  version: number;
  outbox: LedgerEntry[];
  nextDueAt: Date | null;
  /** Real time of the commit (never the test clock): old versions are pruned by it. */
  committedAt: Date;
}

/** The head of an account: an index for the sweep and lookups, never the source of truth. */
export interface AccountDoc {
  _id: string;
  version: number;
  externalId: string | null;
  balance: number;
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

const planChange = new Schema(
  {
    id: String,
    subscriptionId: String,
    at: Date,
    plan: String,
    price: String,
    monthlyCredits: Number,
    raisesSlot: Boolean,
  },
  { _id: false },
);

const topup = new Schema(
  {
    session: String,
    bucket: String,
    paymentIntent: { type: String, default: null },
    credits: Number,
    refundClaimed: Number,
    refundShortfall: Number,
    disputes: [new Schema({ dispute: String, revoked: Number, shortfall: Number, restored: Boolean }, { _id: false })],
  },
  { _id: false },
);

const payment = new Schema(
  {
    paymentIntent: String,
    charges: [
      new Schema(
        { id: String, amount: Number, amountRefunded: Number, invoice: { type: String, default: null } },
        { _id: false },
      ),
    ],
    disputes: [new Schema({ id: String, charge: { type: String, default: null }, status: String }, { _id: false })],
  },
  { _id: false },
);

const versionSchema = new Schema<AccountVersionDoc>(
  {
    _id: String,
    customer: { type: String, required: true },
    version: { type: Number, required: true },
    externalId: { type: String, default: null },
    balance: { type: Number, required: true },
    seq: { type: Number, required: true },
    buckets: [bucket],
    terms: [term],
    subscriptions: [subscription],
    planChanges: [planChange],
    topups: [topup],
    payments: [payment],
    outbox: [outboxEntry],
    nextDueAt: { type: Date, default: null },
    committedAt: { type: Date, required: true },
  },
  { collection: 'account_versions', versionKey: false, autoIndex: false },
);
versionSchema.index({ customer: 1, version: -1 }, { unique: true });
versionSchema.index({ committedAt: 1 });
// Disputes name a payment, not a customer: the account is found by the payment it holds.
versionSchema.index({ 'topups.paymentIntent': 1 });
versionSchema.index({ 'payments.paymentIntent': 1 });

const accountSchema = new Schema<AccountDoc>(
  {
    _id: String,
    version: { type: Number, required: true },
    externalId: { type: String, default: null },
    balance: { type: Number, default: 0 },
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
  AccountVersion: Model<AccountVersionDoc>;
  Ledger: Model<LedgerDoc>;
  Event: Model<EventDoc>;
}

export function registerModels(connection: Connection): Models {
  return {
    Account: connection.model<AccountDoc>('Account', accountSchema),
    AccountVersion: connection.model<AccountVersionDoc>('AccountVersion', versionSchema),
    Ledger: connection.model<LedgerDoc>('LedgerEntry', ledgerSchema),
    Event: connection.model<EventDoc>('StripeEvent', eventSchema),
  };
}

/** Indexes are created at start-up, not lazily: the unique ones are what makes effects exactly-once. */
export async function ensureIndexes(models: Models): Promise<void> {
  await Promise.all([models.Account.createIndexes(), models.AccountVersion.createIndexes(), models.Ledger.createIndexes(), models.Event.createIndexes()]);
}
