import type { MappedEvent } from '../domain/commands';
import type { IncomingEvent } from './ports';

/**
 * The question the ingest use case asks about an event: what it means for credits (commands for one
 * account), or why nothing happens (`ignored`) or cannot happen yet (`parked`). src/stripe answers it
 * (src/stripe/mapEvent.ts) and never calls back: recording and applying stay here, in src/app.
 *
 * The payload is whatever was verified or fetched: the mapper checks its shape before reading it, and an
 * event it cannot read is parked with the reason, never a failure Stripe would retry for days.
 */
export interface EventMapper {
  map(event: IncomingEvent): Promise<MappedEvent>;
}
