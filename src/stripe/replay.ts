import type Stripe from 'stripe';
import type { EventStore, StoredEvent } from '../app/ports';
import type { EventReplayer, ReplayedEvent } from '../app/replay';
import { isMissing, isStripeEvent } from './eventObjects';
import { ACTED_ON_EVENT_TYPES } from './mapEvent';
import { applyStripeEvent } from './webhookReceiver';
import type { WebhookReceiverOptions } from './webhookReceiver';

const PAGE = 100;

/** Stripe's event log, as replay reads it. */
export interface StripeEventFeed {
  /** Events created at or after `since`, of the types the mapping acts on, page by page (newest first). */
  since(since: Date): AsyncIterable<Stripe.Event>;
  /** null when Stripe has no such event (or no longer keeps it). */
  retrieve(id: string): Promise<Stripe.Event | null>;
}

export function sdkEventFeed(stripe: Stripe): StripeEventFeed {
  return {
    // Only the types the mapping acts on: the others would be stored as `ignored` for nothing.
    since: (since) => stripe.events.list({ created: { gte: Math.floor(since.getTime() / 1000) }, types: ACTED_ON_EVENT_TYPES, limit: PAGE }),
    async retrieve(id) {
      try {
        return await stripe.events.retrieve(id);
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
  };
}

export interface ReplayOptions {
  feed: StripeEventFeed;
  events: EventStore;
  webhook: Pick<WebhookReceiverOptions, 'mapContext' | 'ingest' | 'clock'>;
}

/** `replay` through applyStripeEvent, exactly as a webhook delivery of the same event would apply it. */
export function createEventReplayer(options: ReplayOptions): EventReplayer {
  const apply = async (event: Stripe.Event): Promise<ReplayedEvent> => {
    try {
      const outcome = await applyStripeEvent(options.webhook, event);
      return { id: event.id, type: event.type, ...outcome };
    } catch (error) {
      return { id: event.id, type: event.type, status: 'failed', customer: null, reason: error instanceof Error ? error.message : String(error) };
    }
  };
  const applyStored = (stored: StoredEvent): Promise<ReplayedEvent> | ReplayedEvent => {
    if (isStripeEvent(stored.payload)) return apply(stored.payload);
    return { id: stored.id, type: stored.type, status: 'failed', customer: stored.customer, reason: 'the stored payload is not a Stripe event' };
  };

  return {
    async *sinceTime(since) {
      for await (const event of options.feed.since(since)) yield await apply(event);
    },

    async one(eventId) {
      const event = await options.feed.retrieve(eventId);
      return event ? apply(event) : null;
    },

    // listParked has no cursor: each round asks for the ones already tried plus a page more, until none is new.
    async *parked() {
      const tried = new Set<string>();
      for (;;) {
        const fresh = (await options.events.listParked(tried.size + PAGE)).filter((e) => !tried.has(e.id));
        if (fresh.length === 0) return;
        for (const stored of fresh) {
          tried.add(stored.id);
          yield await applyStored(stored);
        }
      }
    },
  };
}
