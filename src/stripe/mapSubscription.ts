import type Stripe from 'stripe';
import type { Catalog } from '../domain/catalog';
import { findPlanByPrice } from '../domain/catalog';
import type { CreditCommand, MappedEvent } from '../domain/commands';
import { externalIdFromMetadata, idOf, subscriptionPeriod, subscriptionPrice, toDate } from './readers';

type SubscriptionEvent =
  | Stripe.CustomerSubscriptionCreatedEvent
  | Stripe.CustomerSubscriptionUpdatedEvent
  | Stripe.CustomerSubscriptionDeletedEvent
  | Stripe.CustomerSubscriptionPausedEvent
  | Stripe.CustomerSubscriptionResumedEvent;

/** customer.subscription.*: keeps the subscription state the balance shows and that stops or pauses slots. */
export function mapSubscriptionEvent(event: SubscriptionEvent, catalog: Catalog): MappedEvent {
  const subscription = event.data.object;
  const customer = idOf(subscription.customer);
  if (!customer) return { outcome: 'parked', reason: 'subscription has no customer', customer: null };
  const price = subscriptionPrice(subscription);
  const match = price ? findPlanByPrice(catalog, price) : undefined;
  if (!match) {
    return { outcome: 'parked', reason: `unknown price ${price ?? '(none)'} on subscription ${subscription.id}`, customer };
  }
  const period = subscriptionPeriod(subscription);
  const status = event.type === 'customer.subscription.deleted' ? 'canceled' : subscription.status;
  const commands: CreditCommand[] = [
    {
      kind: 'sync_subscription',
      snapshot: {
        id: subscription.id,
        plan: match.plan.id,
        price: match.price,
        months: match.months,
        monthlyCredits: match.plan.monthlyCredits,
        status,
        termStart: period?.start ?? null,
        termEnd: period?.end ?? null,
        cancelAtPeriodEnd: subscription.cancel_at_period_end,
        endedAt: subscription.ended_at ? toDate(subscription.ended_at) : status === 'canceled' ? toDate(event.created) : null,
        asOf: toDate(event.created),
      },
    },
  ];
  const externalId = externalIdFromMetadata(subscription.metadata);
  if (externalId) commands.push({ kind: 'link_external_id', externalId });
  return { outcome: 'apply', customer, commands };
}
