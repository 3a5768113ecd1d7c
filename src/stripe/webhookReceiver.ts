import type Stripe from 'stripe';
import type { IngestDeps, WebhookStatus } from '../app/ingestEvent';
import { ingestEvent } from '../app/ingestEvent';
import type { Clock } from '../domain/clock';
import { mapStripeEvent } from './mapEvent';
import type { MapContext } from './mapEvent';
import { toDate } from './readers';
import { verifyStripeEvent } from './verify';

export interface WebhookReceiverOptions {
  stripe: Stripe;
  secrets: string[];
  toleranceSeconds: number;
  mapContext: MapContext;
  ingest: IngestDeps;
  clock: Clock;
}

export interface WebhookResult {
  status: WebhookStatus;
  eventId: string;
  eventType: string;
  customer: string | null;
  reason: string | null;
}

/** Told as soon as the signature verifies, before the event is applied, so a failure can still be traced to it. */
export type OnVerified = (event: { id: string; type: string }) => void;

export type WebhookReceiver = (rawBody: Buffer, signature: string | undefined, onVerified?: OnVerified) => Promise<WebhookResult>;

/** Verify → record the event → map → apply. Nothing is stored before the signature verifies. */
export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  return async (rawBody, signature, onVerified) => {
    const event = verifyStripeEvent({
      stripe: options.stripe,
      rawBody,
      signature,
      secrets: options.secrets,
      toleranceSeconds: options.toleranceSeconds,
    });
    onVerified?.({ id: event.id, type: event.type });
    const outcome = await applyStripeEvent(options, event);
    return { ...outcome, eventId: event.id, eventType: event.type };
  };
}

/** Applies an already trusted event: from a verified webhook, or fetched from Stripe by `replay`. */
export function applyStripeEvent(
  options: Pick<WebhookReceiverOptions, 'mapContext' | 'ingest' | 'clock'>,
  event: Stripe.Event,
): ReturnType<typeof ingestEvent> {
  return ingestEvent(options.ingest, {
    event: { id: event.id, type: event.type, created: toDate(event.created), livemode: event.livemode, payload: event },
    now: options.clock.now(),
    map: () => mapStripeEvent(event, options.mapContext),
  });
}
