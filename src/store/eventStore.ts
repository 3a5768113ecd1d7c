import type { EventOutcome, EventStore, IncomingEvent, StoredEvent } from '../app/ports';
import type { EventDoc, Models } from './models';
import { isDuplicateKeyError } from './mongoErrors';

function toStored(doc: EventDoc): StoredEvent {
  const { _id, ...rest } = doc;
  return { ...rest, id: _id, reason: rest.reason ?? null, customer: rest.customer ?? null, finishedAt: rest.finishedAt ?? null };
}

/** Finished outcomes that make a redelivery a duplicate; a parked event is tried again when it comes back. */
const DONE: EventOutcome[] = ['processed', 'ignored'];

export class MongoEventStore implements EventStore {
  constructor(private readonly models: Models) {}

  async begin(event: IncomingEvent, receivedAt: Date): Promise<'open' | 'done'> {
    try {
      await this.models.Event.create({
        _id: event.id,
        type: event.type,
        created: event.created,
        livemode: event.livemode,
        payload: event.payload,
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
    // business object, so applying again is safe.
    const existing = await this.models.Event.findById(event.id, { status: 1 }).lean<{ status: string }>().exec();
    return existing && DONE.some((s) => s === existing.status) ? 'done' : 'open';
  }

  async finish(id: string, outcome: { status: EventOutcome; reason: string | null; customer: string | null; at: Date }): Promise<void> {
    await this.models.Event.updateOne(
      { _id: id },
      { $set: { status: outcome.status, reason: outcome.reason, customer: outcome.customer, finishedAt: outcome.at } },
    ).exec();
  }

  async get(id: string): Promise<StoredEvent | null> {
    const doc = await this.models.Event.findById(id).lean<EventDoc>().exec();
    return doc ? toStored(doc) : null;
  }

  async listParked(limit: number): Promise<StoredEvent[]> {
    const docs = await this.models.Event.find({ status: 'parked' }).sort({ created: 1 }).limit(limit).lean<EventDoc[]>().exec();
    return docs.map(toStored);
  }
}
