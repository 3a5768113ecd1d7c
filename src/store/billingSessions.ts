import type { Connection, mongo } from 'mongoose';
import type { BillingSession, BillingSessionStore } from '../app/ports';
import { unavailableAsDomainError } from './unavailable';

/** `_id` is the token's SHA-256: a lookup by link is a lookup by `_id`, and the token itself is never stored. */
interface BillingSessionDoc {
  _id: string;
  customer: string;
  createdAt: Date;
  expiresAt: Date;
  returnUrl: string | null;
  formToken: string;
}

const COLLECTION = 'billing_sessions';
/** Ended links are kept a day (the page answers them 401 from their expiry either way), then pruned. */
const KEEP_AFTER_EXPIRY_MS = 24 * 3600_000;
/** Pruning runs from a mint, at most this often per process: mints are rare, and one indexed delete covers many. */
const PRUNE_EVERY_MS = 60_000;

/**
 * Billing-page links in a collection of their own, through the native driver (no model: nothing to validate
 * that the use case has not). Expired links are pruned by the service's clock rather than a TTL index: a TTL
 * index deletes by the database's wall clock, which the admin test clock cannot move.
 */
export class MongoBillingSessionStore implements BillingSessionStore {
  private lastPruneAt: number | null = null;

  private constructor(
    private readonly collection: mongo.Collection<BillingSessionDoc>,
    private readonly monotonicMs: () => number,
  ) {}

  /** Opens the collection and ensures its index, at start-up like every other index. */
  static async open(connection: Connection, monotonicMs: () => number = () => performance.now()): Promise<MongoBillingSessionStore> {
    if (!connection.db) throw new Error('billing sessions: the MongoDB connection is not open');
    // Like every other collection: a database that does not answer is the domain's `unavailable`.
    const collection = unavailableAsDomainError(connection.db.collection<BillingSessionDoc>(COLLECTION));
    await collection.createIndex({ expiresAt: 1 }, { name: 'expiresAt_1' });
    return new MongoBillingSessionStore(collection, monotonicMs);
  }

  async create(session: BillingSession): Promise<void> {
    await this.collection.insertOne({
      _id: session.tokenHash,
      customer: session.customer,
      createdAt: session.createdAt,
      expiresAt: session.expiresAt,
      returnUrl: session.returnUrl,
      formToken: session.formToken,
    });
    await this.pruneEnded(session.createdAt);
  }

  async findByTokenHash(tokenHash: string): Promise<BillingSession | null> {
    const doc = await this.collection.findOne({ _id: tokenHash });
    if (!doc) return null;
    return {
      tokenHash: doc._id,
      customer: doc.customer,
      createdAt: doc.createdAt,
      expiresAt: doc.expiresAt,
      returnUrl: doc.returnUrl,
      formToken: doc.formToken,
    };
  }

  private async pruneEnded(now: Date): Promise<void> {
    const t = this.monotonicMs();
    if (this.lastPruneAt !== null && t - this.lastPruneAt < PRUNE_EVERY_MS) return;
    this.lastPruneAt = t;
    await this.collection.deleteMany({ expiresAt: { $lt: new Date(now.getTime() - KEEP_AFTER_EXPIRY_MS) } });
  }
}
