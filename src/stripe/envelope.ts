import type Stripe from 'stripe';
import { z } from 'zod';
import type { IncomingEvent } from '../app/ports';
import { DomainError } from '../domain/errors';
import { toDate } from './readers';
import { shapeProblem, stripeId, unixTime } from './shapes';

/**
 * A signed body becomes an event in two steps. `recordableEvent`: it must be JSON with a string id and
 * type, or it is refused (400) and nothing is stored, since there is nothing to key it by. Then the mapping
 * checks the rest of the envelope (`isStripeEvent`) and the object (src/stripe/shapes.ts) and parks what it
 * cannot read, with the reason, so a person sees it in `replay --parked` and reconcile.
 */

/** Deeper than any Stripe event nests (about a dozen levels), shallower than what the store and JSON.stringify survive. */
export const MAX_NESTING_DEPTH = 64;

const eventType = z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(255, { error: 'must be at most 255 characters' });

const recordable = z.looseObject({ id: stripeId, type: eventType }, { error: 'must be a JSON object' });

const envelope = z.looseObject({
  id: stripeId,
  object: z.literal('event', { error: 'must be "event"' }),
  type: eventType,
  created: unixTime,
  livemode: z.boolean({ error: 'must be true or false' }),
  data: z.looseObject({ object: z.looseObject({}, { error: 'must be an object' }) }, { error: 'must be an object { object }' }),
});

function invalidEvent(reason: string): DomainError {
  return new DomainError('invalid_event', `The signed body is not a Stripe event: ${reason}. Nothing was stored.`, { reason });
}

/** Walks the parsed body without recursion (a 1 MiB body can nest half a million levels). */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (typeof item.node !== 'object' || item.node === null) continue;
    if (item.depth >= limit) return true;
    for (const child of Object.values(item.node)) stack.push({ node: child, depth: item.depth + 1 });
  }
  return false;
}

/**
 * A verified body as the event store records it. Throws `invalid_event` when it cannot be recorded at all:
 * not JSON, nested absurdly deep, or without a string `id` and `type`. A `created` or `livemode` that is
 * not usable is recorded as the receipt time and false; the mapping then parks the event saying why.
 */
export function recordableEvent(rawBody: Buffer, receivedAt: Date): IncomingEvent {
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw invalidEvent('the body is not JSON');
  }
  if (nestsDeeperThan(payload, MAX_NESTING_DEPTH)) throw invalidEvent(`the body nests deeper than ${MAX_NESTING_DEPTH} levels`);
  const parsed = recordable.safeParse(payload);
  if (!parsed.success) throw invalidEvent(shapeProblem(recordable, payload, 'event') ?? 'no usable id and type');
  const created = unixTime.safeParse(parsed.data['created']);
  const livemode = parsed.data['livemode'];
  return {
    id: parsed.data.id,
    type: parsed.data.type,
    created: created.success ? toDate(created.data) : receivedAt,
    livemode: typeof livemode === 'boolean' ? livemode : false,
    payload,
  };
}

/** A recorded payload whose envelope the mapping can read: a string id and type, a sane `created`, `data.object` an object. */
export function isStripeEvent(payload: unknown): payload is Stripe.Event {
  return envelope.safeParse(payload).success;
}

/** Why a recorded payload is not a readable Stripe event (null when it is). */
export function envelopeProblem(payload: unknown): string | null {
  return shapeProblem(envelope, payload, 'event');
}
