import type { AccountState, Bucket, LedgerEntry } from '../domain/account';
import type { ArchiveQuery, ArchivedRecord } from '../domain/archive';
import type { MappedEvent } from '../domain/commands';
import type { GrantRef, StripeFact } from '../domain/reconcile';
import type { AttemptResult } from '../domain/signalDelivery';
import type { Signal } from '../domain/signals';

/**
 * Every port of the use cases, in one place: what src/app asks of the world, in the domain's words. The
 * adapters implement them (src/store, src/stripe, src/signals, src/ops) and import nothing else from src/app;
 * how an adapter keeps its promises (versions, outboxes, retries, caches) stays inside it.
 */

// ---------------------------------------------------------------- accounts and their ledgers (src/store)

/** An account as stored, read at one moment. */
export interface StoredAccount {
  state: AccountState;
  /** Its ledger, read consistently with `state`: every entry up to `state.seq`. */
  ledger: AccountLedger;
}

export interface LedgerPage {
  limit: number;
  /** Entries with a smaller sequence number than this (newest first); null: from the newest. */
  beforeSeq: number | null;
}

/** One account's ledger, complete: the store answers every entry, wherever it keeps each. */
export interface AccountLedger {
  /** Newest first: up to `limit` entries below `beforeSeq`. */
  page(page: LedgerPage): Promise<LedgerEntry[]>;
  /** Every entry, oldest first (a write after the read may add newer ones). */
  all(): Promise<LedgerEntry[]>;
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

/** What a decision may ask the store about effects the account already has. */
export interface KnownEffects {
  /** The entry of the effect named by the request's `opKey`, if this account has it (found in the same read). */
  applied: LedgerEntry | null;
  /** The entries of these effect keys the account has, those decided earlier in the same write included. */
  entries(opKeys: string[]): Promise<LedgerEntry[]>;
  /** Archived records of this account (src/domain/archive.ts); rarely asked. */
  archived(queries: ArchiveQuery[]): Promise<ArchivedRecord[]>;
}

export type Decide<T> = (current: AccountState | null, known: KnownEffects) => Promise<AccountDecision<T>> | AccountDecision<T>;

export interface ChangeRequest<T> {
  customer: string;
  /** An effect key (a debit's idempotency key) to look for along with the account. */
  opKey?: string;
  /**
   * Decides from the account as stored (null: none yet). May be called more than once: a decision
   * made on a state someone else changed meanwhile is thrown away and made again on the new state.
   */
  decide: Decide<T>;
}

export type DueOutcome<T> = { customer: string; ok: true; result: T } | { customer: string; ok: false; error: unknown };

export interface AccountStore {
  /** The account as stored, or null. No write. */
  read(customer: string): Promise<StoredAccount | null>;
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

// ---------------------------------------------------------------- Stripe events (src/store, src/stripe)

export interface IncomingEvent {
  id: string;
  type: string;
  created: Date;
  livemode: boolean;
  payload: unknown;
}

/** Where a recorded event stands: `received` until its effects are applied (or it is ignored or parked). */
export type EventStatus = 'received' | 'processed' | 'ignored' | 'parked';

export type FinalEventStatus = Exclude<EventStatus, 'received'>;

/** What the webhook answers Stripe (SPEC §4). */
export type WebhookStatus = 'processed' | 'duplicate' | 'ignored' | 'parked';

export interface StoredEvent extends IncomingEvent {
  status: EventStatus;
  reason: string | null;
  customer: string | null;
  receivedAt: Date;
  finishedAt: Date | null;
}

export interface EventStore {
  /** 'done' when this event id was already applied (or ignored/parked); 'open' when it must be (re)applied. */
  begin(event: IncomingEvent, receivedAt: Date): Promise<'open' | 'done'>;
  finish(id: string, outcome: { status: FinalEventStatus; reason: string | null; customer: string | null; at: Date }): Promise<void>;
  get(id: string): Promise<StoredEvent | null>;
  listParked(limit: number): Promise<StoredEvent[]>;
}

/**
 * Checks a webhook's signature over its raw body and reads the body as an event to record (src/stripe/verify.ts);
 * throws invalid_signature or invalid_event. The webhook route asks it before handing the event to ingest.
 */
export type VerifyWebhook = (input: { rawBody: Buffer; signature: string | undefined; receivedAt: Date }) => IncomingEvent;

/**
 * The question the ingest use case asks about an event: what it means for credits (commands for one
 * account), or why nothing happens (`ignored`) or cannot happen yet (`parked`). src/stripe answers it
 * (src/stripe/mapEvent.ts) and never calls back: recording and applying stay in src/app.
 *
 * The payload is whatever was verified or fetched: the mapper checks its shape before reading it, and an
 * event it cannot read is parked with the reason, never a failure Stripe would retry for days.
 */
export interface EventMapper {
  map(event: IncomingEvent): Promise<MappedEvent>;
}

/** Stripe's event log, as replay reads it (src/stripe/replay.ts). */
export interface EventFeed {
  /** Events created at or after `since`, of the types the mapping acts on, page by page (newest first). */
  since(since: Date): AsyncIterable<IncomingEvent>;
  /** null when Stripe has no such event (or no longer keeps it). */
  retrieve(id: string): Promise<IncomingEvent | null>;
}

/** A Stripe object (or a parked event) as reconcile sees it: what the webhook path makes of it, and the event to apply. */
export interface StripeRecord extends StripeFact {
  /**
   * What `--fix` hands to the webhook's own path (ingestEvent): an event synthesized from the object, with the id
   * `reconcile:<object id>` (so a second fix is a duplicate), or a parked event as it was stored.
   */
  event: IncomingEvent;
}

/**
 * Reconcile's view of Stripe (src/stripe/reconcileSource.ts). Every listing is paged by the SDK and read one
 * customer at a time, so memory holds one customer, never the account book.
 */
export interface ReconcileSource {
  /** Every Stripe customer id, page by page. */
  customers(): AsyncIterable<string>;
  /**
   * One customer's paid subscription invoices and paid payment-mode Checkout Sessions created since
   * `since` (all when null), and the refunds and disputes of all its charges (a refund can come long
   * after the payment), each read through the webhook's mapping.
   */
  recordsOf(customer: string, since: Date | null): Promise<StripeRecord[]>;
  /** One invoice or session by id, for a grant the listing did not show; null when Stripe has none. */
  recordOf(ref: GrantRef): Promise<StripeRecord | null>;
  /** A stored event read again through the mapping, as a retry would read it now. */
  recordOfStoredEvent(event: StoredEvent): Promise<StripeRecord>;
}

// ---------------------------------------------------------------- Stripe's hosted pages and prices (src/stripe)

/** Where Stripe's hosted page sends the customer back to. */
export interface CheckoutUrls {
  successUrl: string;
  cancelUrl: string;
}

export interface SubscriptionCheckoutRequest extends CheckoutUrls {
  price: string;
  /** An existing Stripe customer; null lets Checkout create one. */
  customer: string | null;
  /** Prefills the email of the customer Checkout creates; with neither, Checkout asks for it. */
  email: string | null;
  /** The app's user id, linked to the customer when the webhook arrives (SPEC §3.1). */
  externalId: string | null;
}

export interface TopupCheckoutRequest extends CheckoutUrls {
  customer: string;
  price: string;
  quantity: number;
}

export interface PortalRequest {
  customer: string;
  returnUrl: string;
}

export interface HostedSession {
  id: string;
  url: string;
}

/**
 * Stripe's hosted pages. Implementations fail only with DomainErrors:
 * `invalid_request` (Stripe refused a parameter), `customer_not_found`, `stripe_error` (Stripe failed or
 * was unreachable) or `stripe_not_configured`.
 */
export interface BillingGateway {
  createSubscriptionCheckout(request: SubscriptionCheckoutRequest): Promise<HostedSession>;
  createTopupCheckout(request: TopupCheckoutRequest): Promise<HostedSession>;
  createPortalSession(request: PortalRequest): Promise<{ url: string }>;
}

/** What one unit of a top-up costs, as Stripe's Price says. */
export interface UnitPrice {
  /** In the currency's minor unit (cents), as Stripe counts. */
  unitAmount: number;
  /** ISO 4217, lower case as Stripe sends it. */
  currency: string;
}

/**
 * Reads the price of a catalog top-up from Stripe. null when Stripe has no fixed unit amount for it (a
 * customer-chosen or tiered price) or cannot be asked: the page then leaves the price to Checkout.
 */
export interface PriceReader {
  unitPrice(price: string): Promise<UnitPrice | null>;
}

// ---------------------------------------------------------------- billing-page links (src/store)

/**
 * A minted link to a customer's billing page (SPEC §8). The link's token is the browser's only credential: only
 * its SHA-256 is stored, so whoever reads the database cannot open a page with it.
 */
export interface BillingSession {
  tokenHash: string;
  customer: string;
  createdAt: Date;
  expiresAt: Date;
  /** Where "Back" on the page leads: the app that minted the link. */
  returnUrl: string | null;
  /** The page's forms carry it; a POST without it is refused (see README, "The billing page"). */
  formToken: string;
}

/** Links live in a collection of their own, apart from the accounts: minting one never changes an account. */
export interface BillingSessionStore {
  create(session: BillingSession): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<BillingSession | null>;
}

// ---------------------------------------------------------------- signals to the app (src/store, src/signals)

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

/** Posts one signal's recorded body to the app (src/signals/sender.ts); never throws, a failure is a result. */
export interface SignalSender {
  send(signal: { id: string; body: string }, at: Date): Promise<AttemptResult>;
}

// ---------------------------------------------------------------- metrics (src/ops) and health

/** What happened to one Stripe event: its webhook status, or `failed` when applying it threw (Stripe retries). */
export type EventOutcome = WebhookStatus | 'failed';

/** What a debit request came to; `replayed` is a retry answered with the first receipt. */
export type DebitOutcome = 'created' | 'replayed' | 'insufficient' | 'conflict' | 'not_found' | 'invalid' | 'failed';

/** What the webhook route answered: an event outcome, or `rejected` before verification (bad signature, bad body). */
export type WebhookAnswer = EventOutcome | 'rejected';

export type SignalOutcome = 'delivered' | 'retried' | 'dead';

/**
 * The service's metrics. The use cases call it; src/ops/prometheus.ts implements it. Credit amounts are
 * reported only for entries whose commit succeeded, so a decision thrown away by a lost race or a retry is
 * never counted.
 */
export interface Metrics {
  eventHandled(event: { type: string; outcome: EventOutcome }): void;
  entriesCommitted(entries: readonly LedgerEntry[], buckets: readonly Bucket[]): void;
  debitRequested(outcome: DebitOutcome): void;
  sweepFinished(run: { ok: boolean; seconds: number; asOf: Date }): void;
  webhookAnswered(answer: { outcome: WebhookAnswer; seconds: number }): void;
  /** One attempt to deliver a signal to the app: delivered, failed and to be retried, or failed for good (dead). */
  signalAttempted(attempt: { type: string; outcome: SignalOutcome }): void;
}

export interface Ping {
  ping(): Promise<boolean>;
}
