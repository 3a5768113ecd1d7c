import type { Clock } from '../domain/clock';
import { ingestEvent } from './ingestEvent';
import type { IngestDeps } from './ingestEvent';
import type { EventFeed, EventOutcome, EventStore, IncomingEvent } from './ports';

export interface ReplayedEvent {
  id: string;
  type: string;
  /** `failed`: applying threw (a dependency was down); the event is left as it was and a later replay finishes it. */
  status: EventOutcome;
  customer: string | null;
  reason: string | null;
}

/**
 * Applies events again through the webhook's own path (ingestEvent with the same mapper). Every
 * effect is keyed by business object, so replaying what was already applied answers `duplicate`
 * and changes nothing. Each event is yielded as soon as it is applied; nothing is collected.
 */
export interface EventReplayer {
  /** Stripe's events created at or after `since`, as Stripe lists them (newest first). */
  sinceTime(since: Date): AsyncIterable<ReplayedEvent>;
  /** One event fetched from Stripe; null when Stripe has no such event. */
  one(eventId: string): Promise<ReplayedEvent | null>;
  /** The parked events, oldest first, each tried once. */
  parked(): AsyncIterable<ReplayedEvent>;
}

export interface ReplayDeps {
  feed: EventFeed;
  events: EventStore;
  ingest: IngestDeps;
  clock: Clock;
}

const PARKED_PAGE = 100;

export function createEventReplayer(deps: ReplayDeps): EventReplayer {
  const apply = async (event: IncomingEvent): Promise<ReplayedEvent> => {
    try {
      const outcome = await ingestEvent(deps.ingest, { event, now: deps.clock.now() });
      return { id: event.id, type: event.type, ...outcome };
    } catch (error) {
      return { id: event.id, type: event.type, status: 'failed', customer: null, reason: error instanceof Error ? error.message : String(error) };
    }
  };

  return {
    async *sinceTime(since) {
      for await (const event of deps.feed.since(since)) yield await apply(event);
    },

    async one(eventId) {
      const event = await deps.feed.retrieve(eventId);
      return event ? apply(event) : null;
    },

    // A parked event goes through the mapper as it was stored: one it still cannot read parks again, saying why.
    // listParked has no cursor: each round asks for the ones already tried plus a page more, until none is new.
    async *parked() {
      const tried = new Set<string>();
      for (;;) {
        const fresh = (await deps.events.listParked(tried.size + PARKED_PAGE)).filter((e) => !tried.has(e.id));
        if (fresh.length === 0) return;
        for (const stored of fresh) {
          tried.add(stored.id);
          yield await apply(stored);
        }
      }
    },
  };
}

/** Stripe keeps events for 30 days; older ones cannot be fetched, so a replay cannot reach back further. */
export const REPLAY_WINDOW_DAYS = 30;

export function replayWindowStart(now: Date): Date {
  return new Date(now.getTime() - REPLAY_WINDOW_DAYS * 24 * 60 * 60 * 1000);
}

export type ReplayCounts = Record<EventOutcome, number>;

export function emptyReplayCounts(): ReplayCounts {
  return { processed: 0, duplicate: 0, ignored: 0, parked: 0, failed: 0 };
}

/** 0: everything applied (or already was); 1: some events are parked and wait for a person; 3: some failed. */
export function replayExitCode(counts: ReplayCounts): 0 | 1 | 3 {
  if (counts.failed > 0) return 3;
  return counts.parked > 0 ? 1 : 0;
}
