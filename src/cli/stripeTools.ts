import type { ReconcileDeps } from '../app/reconcile/run';
import type { EventReplayer } from '../app/replay';
import type { Service } from '../compose';
import type { AppConfig } from '../config';
import type { Clock } from '../domain/clock';
import type { Stores } from '../store/connection';
import { createReconcileSource, sdkStripeObjects } from '../stripe/reconcileSource';
import type { StripeObjects } from '../stripe/reconcileSource';
import { createEventReplayer, sdkEventFeed } from '../stripe/replay';
import type { StripeEventFeed } from '../stripe/replay';
import type { WebhookReceiverOptions } from '../stripe/webhookReceiver';
import { UsageError } from './command';

/** What reconcile and replay are built from: the composed service, its stores and its clock. */
export interface StripeToolsContext {
  config: Pick<AppConfig, 'stripeSecretKey'>;
  service: Pick<Service, 'stripe' | 'mapContext' | 'accounts'>;
  stores: Pick<Stores, 'accounts' | 'ledger' | 'events'>;
  clock: Clock;
}

function requireStripeKey(context: StripeToolsContext): void {
  if (!context.config.stripeSecretKey) throw new UsageError('STRIPE_SECRET_KEY is not set: reconcile and replay read from Stripe');
}

/** The webhook's own mapping and ingestion, which every repair and replay goes through. */
export function webhookPathOf(context: StripeToolsContext): Pick<WebhookReceiverOptions, 'mapContext' | 'ingest' | 'clock'> {
  return {
    mapContext: context.service.mapContext,
    ingest: { events: context.stores.events, accounts: context.service.accounts },
    clock: context.clock,
  };
}

/** `objects` defaults to the SDK; tests pass a fake Stripe. */
export function reconcileDepsOf(context: StripeToolsContext, objects?: StripeObjects): ReconcileDeps {
  if (!objects) requireStripeKey(context);
  const source = createReconcileSource({ objects: objects ?? sdkStripeObjects(context.service.stripe), webhook: webhookPathOf(context) });
  return {
    source,
    accounts: context.stores.accounts,
    ledger: context.stores.ledger,
    events: context.stores.events,
  };
}

/** `feed` defaults to the SDK; tests pass a fake event log. */
export function eventReplayerOf(context: StripeToolsContext, feed?: StripeEventFeed): EventReplayer {
  if (!feed) requireStripeKey(context);
  return createEventReplayer({ feed: feed ?? sdkEventFeed(context.service.stripe), events: context.stores.events, webhook: webhookPathOf(context) });
}
