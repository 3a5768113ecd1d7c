import type { EventStore, FinalEventStatus, IncomingEvent, StoredEvent } from '../app/ports';
import type { Collections, EventDoc } from './models';
import { isDuplicateKeyError } from './mongoErrors';

function toStored(doc: EventDoc): StoredEvent {
  const { _id, payload, ...rest } = doc;
  return { ...rest, id: _id, payload: JSON.parse(payload), reason: rest.reason ?? null, customer: rest.customer ?? null, finishedAt: rest.finishedAt ?? null };
}

/** Finished outcomes that make a redelivery a duplicate; a parked event is tried again when it comes back. */
const DONE: ReadonlySet<string> = new Set<FinalEventStatus>(['processed', 'ignored']);

export class MongoEventStore implements EventStore {
  constructor(private readonly collections: Pick<Collections, 'events'>) {}

  async begin(event: IncomingEvent, receivedAt: Date): Promise<'open' | 'done'> {
    try {
      await this.collections.events.insertOne({
        _id: event.id,
        type: event.type,
        created: event.created,
        livemode: event.livemode,
        payload: JSON.stringify(event.payload),
        status: 'received',
        reason: null,
        customer: null,
        receivedAt,
        finishedAt: null,
      });
      return 'open';
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    // Seen before: done, or an earlier attempt crashed or is still running. Effects are keyed by
    // business object, so applying again is safe. `duplicate` is answered only from majority-committed data:
    // an outcome a failover may still roll back (with the event's effects) must not stop Stripe's retries.
    const existing = await this.collections.events.findOne({ _id: event.id }, { projection: { status: 1 }, readConcern: { level: 'majority' } });
    return existing && DONE.has(existing.status) ? 'done' : 'open';
  }

  async finish(id: string, outcome: { status: FinalEventStatus; reason: string | null; customer: string | null; at: Date }): Promise<void> {
    await this.collections.events.updateOne(
      { _id: id },
      { $set: { status: outcome.status, reason: outcome.reason, customer: outcome.customer, finishedAt: outcome.at } },
    );
  }

  async get(id: string): Promise<StoredEvent | null> {
    const doc = await this.collections.events.findOne({ _id: id });
    return doc ? toStored(doc) : null;
  }

  async listParked(limit: number): Promise<StoredEvent[]> {
    const docs = await this.collections.events.find({ status: 'parked' }).sort({ created: 1 }).limit(limit).toArray();
    return docs.map(toStored);
  }
}
