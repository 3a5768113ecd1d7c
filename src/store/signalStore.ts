import type { QueuedSignal, SignalAttemptOutcome, SignalQueue } from '../app/ports';
import type { Signal } from '../domain/signals';
import type { Collections, SignalDoc } from './models';
import { duplicateKeyIndexes } from './mongoErrors';
import { copyOut } from './outboxes';
import type { Outbox } from './outboxes';

const EPOCH = new Date(0);

/**
 * The customer of a signal id (`customer:signal:n`, src/domain/signals.ts): every write of one signal names
 * it, the shard key (src/store/shardKeys.ts), so mongos sends it to one shard (and accepts a findAndModify).
 */
export function customerOfSignal(id: string): string | null {
  const at = id.lastIndexOf(':signal:');
  return at > 0 && /^\d+$/.test(id.slice(at + ':signal:'.length)) ? id.slice(0, at) : null;
}

function toQueued(doc: SignalDoc): QueuedSignal {
  const { _id, leaseOwner: _owner, leaseUntil: _until, ...rest } = doc;
  return { ...rest, id: _id };
}

function queuedDoc(signal: Signal, now: Date): SignalDoc {
  return {
    _id: signal.id,
    customer: signal.customer,
    n: signal.n,
    type: signal.type,
    createdAt: signal.createdAt,
    body: signal.body,
    status: 'pending',
    attempts: 0,
    queuedAt: now,
    nextAttemptAt: now,
    leaseOwner: null,
    leaseUntil: EPOCH,
    lastError: null,
    deliveredAt: null,
  };
}

/**
 * The signals collection, fed from the accounts' signal outboxes by the same copy routine as the ledger
 * (src/store/outboxes.ts): insert (idempotent by id, in order), then pull from the accounts. See src/store/README.md.
 */
export class MongoSignalQueue implements SignalQueue {
  constructor(private readonly collections: Pick<Collections, 'accounts' | 'signals'>) {}

  async collect(now: Date, limit: number): Promise<number> {
    const accounts = await this.collections.accounts
      .find({ 'signalOutbox.n': { $gte: 1 } }, { projection: { _id: 1, signalOutbox: 1 } })
      .limit(limit)
      .toArray();
    const outbox = this.signalOutbox(now);
    await copyOut(this.collections.accounts, outbox, accounts.map((doc) => ({ customer: doc._id, items: outbox.itemsOf(doc) })));
    return accounts.length;
  }

  /** Signals are queued with the time they reached the queue (`now`): their 3 days of retries count from it. */
  private signalOutbox(now: Date): Outbox<Signal> {
    return {
      itemsOf: (doc) => [...(doc.signalOutbox ?? [])].sort((a, b) => a.n - b.n),
      position: (signal) => signal.n,
      insert: (signals) => this.insertInOrder(signals.map((s) => queuedDoc(s, now))),
      removal: (through) => ({ $pull: { signalOutbox: { n: { $lte: through } } } }),
    };
  }

  /**
   * Inserts in order and stops at nothing already there: a signal copied before (a copy that crashed before
   * its pull) is the same signal, fixed when it was decided. In order, so a customer's later signal is never
   * in the queue while an earlier one is not.
   */
  private async insertInOrder(docs: SignalDoc[]): Promise<void> {
    let rest = docs;
    while (rest.length > 0) {
      try {
        await this.collections.signals.insertMany(rest, { ordered: true });
        return;
      } catch (error) {
        const clashing = duplicateKeyIndexes(error, rest.length);
        const first = clashing?.[0];
        if (first === undefined) throw error;
        rest = rest.slice(first + 1);
      }
    }
  }

  async due(now: Date, limit: number): Promise<QueuedSignal[]> {
    const candidates = await this.collections.signals
      .find({ status: 'pending', nextAttemptAt: { $lte: now }, leaseUntil: { $lte: now } })
      .sort({ nextAttemptAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
    if (candidates.length === 0) return [];
    const customers = [...new Set(candidates.map((c) => c.customer))];
    const heads = await this.collections.signals
      .aggregate<{ _id: string; n: number }>([
        { $match: { status: 'pending', customer: { $in: customers } } },
        { $group: { _id: '$customer', n: { $min: '$n' } } },
      ])
      .toArray();
    const headOf = new Map(heads.map((h) => [h._id, h.n]));
    return candidates.filter((c) => headOf.get(c.customer) === c.n).map(toQueued);
  }

  async lease(id: string, owner: string, until: Date, now: Date): Promise<boolean> {
    const customer = customerOfSignal(id);
    if (customer === null) return false;
    const { matchedCount } = await this.collections.signals.updateOne(
      { _id: id, customer, status: 'pending', leaseUntil: { $lte: now } },
      { $set: { leaseOwner: owner, leaseUntil: until } },
    );
    return matchedCount === 1;
  }

  async finish(signal: QueuedSignal, owner: string, outcome: SignalAttemptOutcome): Promise<boolean> {
    const fields =
      outcome.status === 'delivered'
        ? { status: outcome.status, attempts: outcome.attempts, deliveredAt: outcome.deliveredAt, lastError: null }
        : outcome.status === 'pending'
          ? { status: outcome.status, attempts: outcome.attempts, nextAttemptAt: outcome.nextAttemptAt, lastError: outcome.lastError }
          : { status: outcome.status, attempts: outcome.attempts, lastError: outcome.lastError };
    const { matchedCount } = await this.collections.signals.updateOne(
      { _id: signal.id, customer: signal.customer, leaseOwner: owner, status: 'pending' },
      { $set: { ...fields, leaseOwner: null, leaseUntil: EPOCH } },
    );
    if (matchedCount === 1 && outcome.status === 'pending') {
      // The customer's later signals wait behind this one: keep them out of `due` until it is tried again.
      await this.collections.signals.updateMany(
        { customer: signal.customer, status: 'pending', n: { $gt: signal.n } },
        { $max: { nextAttemptAt: outcome.nextAttemptAt } },
      );
    }
    return matchedCount === 1;
  }

  async failed(limit: number): Promise<QueuedSignal[]> {
    const docs = await this.collections.signals
      .find({ $or: [{ status: 'dead' }, { status: 'pending', attempts: { $gt: 0 } }] })
      .sort({ queuedAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map(toQueued);
  }

  async retry(id: string, now: Date): Promise<QueuedSignal | null> {
    const customer = customerOfSignal(id);
    if (customer === null) return null;
    const doc = await this.collections.signals.findOneAndUpdate(
      { _id: id, customer, status: { $in: ['dead', 'pending'] } },
      { $set: { status: 'pending', nextAttemptAt: now, queuedAt: now, leaseOwner: null, leaseUntil: EPOCH } },
      { returnDocument: 'after' },
    );
    if (doc) {
      await this.collections.signals.updateMany({ customer: doc.customer, status: 'pending', n: { $gt: doc.n } }, { $min: { nextAttemptAt: now } });
    }
    return doc ? toQueued(doc) : null;
  }
}
