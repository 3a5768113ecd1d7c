import type Stripe from 'stripe';
import type { EventStore, StoredEvent } from '../app/ports';
import type { EventReplayer, ReplayedEvent } from '../app/replay';
import { isMissing, isStripeEvent } from './eventObjects';
import { ACTED_ON_EVENT_TYPES } from './mapEvent';
import { applyStripeEvent } from './webhookReceiver';
import type { WebhookReceiverOptions } from './webhookReceiver';

const PAGE = 100;

export interface ReplayOptions {
  stripe: Stripe;
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
      const created = { gte: Math.floor(since.getTime() / 1000) };
      // Only the types the mapping acts on: the others would be stored as `ignored` for nothing.
      for await (const event of options.stripe.events.list({ created, types: ACTED_ON_EVENT_TYPES, limit: PAGE })) {
        yield await apply(event);
      }
    },

    async one(eventId) {
      try {
        return await apply(await options.stripe.events.retrieve(eventId));
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
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
