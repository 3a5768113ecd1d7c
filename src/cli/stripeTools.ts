import type { IngestDeps } from '../app/ingestEvent';
import type { ReconcileDeps } from '../app/reconcile/run';
import { createEventReplayer } from '../app/replay';
import type { EventReplayer } from '../app/replay';
import type { Service } from '../compose';
import type { AppConfig } from '../config';
import type { Clock } from '../domain/clock';
import type { Stores } from '../store/connection';
import { createReconcileSource, sdkStripeObjects } from '../stripe/reconcileSource';
import type { StripeObjects } from '../stripe/reconcileSource';
import { eventFeedOf, sdkEventFeed } from '../stripe/replay';
import type { StripeEventFeed } from '../stripe/replay';
import { UsageError } from './command';

/** What reconcile and replay are built from: the composed service, its stores and its clock. */
export interface StripeToolsContext {
  config: Pick<AppConfig, 'stripeSecretKey'>;
  service: Pick<Service, 'stripe' | 'ingest'>;
  stores: Pick<Stores, 'accounts' | 'events'>;
  clock: Clock;
}

function requireStripeKey(context: StripeToolsContext): void {
  if (!context.config.stripeSecretKey) throw new UsageError('STRIPE_SECRET_KEY is not set: reconcile and replay read from Stripe');
}

/** The webhook's own mapping and ingestion, which every repair and replay goes through; a CLI run is not counted in metrics. */
function webhookPathOf(context: StripeToolsContext): IngestDeps {
  return { events: context.stores.events, accounts: context.service.ingest.accounts, mapper: context.service.ingest.mapper };
}

/** `objects` defaults to the SDK; tests pass a fake Stripe. */
export function reconcileDepsOf(context: StripeToolsContext, objects?: StripeObjects): ReconcileDeps {
  if (!objects) requireStripeKey(context);
  const ingest = webhookPathOf(context);
  const source = createReconcileSource({ objects: objects ?? sdkStripeObjects(context.service.stripe), mapper: ingest.mapper, clock: context.clock });
  return {
    source,
    accounts: context.stores.accounts,
    events: context.stores.events,
    ingest,
    clock: context.clock,
  };
}

/** `feed` defaults to the SDK; tests pass a fake event log. */
export function eventReplayerOf(context: StripeToolsContext, feed?: StripeEventFeed): EventReplayer {
  if (!feed) requireStripeKey(context);
  const stripeFeed = feed ?? sdkEventFeed(context.service.stripe);
  return createEventReplayer({ feed: eventFeedOf(stripeFeed), events: context.stores.events, ingest: webhookPathOf(context), clock: context.clock });
}
