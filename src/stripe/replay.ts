import type Stripe from 'stripe';
import type { EventFeed } from '../app/ports';
import { incomingEvent, isMissing } from './eventObjects';
import { ACTED_ON_EVENT_TYPES } from './mapEvent';

const PAGE = 100;

/** Stripe's event log in Stripe's own terms; `eventFeedOf` turns it into what replay reads. */
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

/** The feed replay reads (src/app/replay.ts): each Stripe event as the event store records it. */
export function eventFeedOf(feed: StripeEventFeed): EventFeed {
  return {
    async *since(since) {
      for await (const event of feed.since(since)) yield incomingEvent(event);
    },
    async retrieve(id) {
      const event = await feed.retrieve(id);
      return event ? incomingEvent(event) : null;
    },
  };
}
