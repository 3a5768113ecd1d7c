import type Stripe from 'stripe';
import type { Catalog } from '../domain/catalog';
import { findPlanByPrice } from '../domain/catalog';
import type { PlanMatch } from '../domain/catalog';
import type { CreditCommand, MappedEvent } from '../domain/commands';
import { externalIdFromMetadata, idOf, previousSubscriptionPrice, subscriptionPeriod, subscriptionPrice, toDate } from './readers';

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
  if (event.type === 'customer.subscription.updated') {
    const change = planChangeCommand(event, catalog, match);
    if (change) commands.push(change);
  }
  const externalId = externalIdFromMetadata(subscription.metadata);
  if (externalId) commands.push({ kind: 'link_external_id', externalId });
  return { outcome: 'apply', customer, commands };
}

/**
 * A price change told by `previous_attributes`: the plan of later slots either way, and with
 * `upgradeCredits: "immediate"` a raise of the current slot. An interval change raises nothing:
 * its invoice starts a new term whose first slot grants the new plan in full.
 */
function planChangeCommand(event: Stripe.CustomerSubscriptionUpdatedEvent, catalog: Catalog, current: PlanMatch): CreditCommand | null {
  const previousPrice = previousSubscriptionPrice(event.data.previous_attributes);
  if (!previousPrice || previousPrice === current.price) return null;
  const previous = findPlanByPrice(catalog, previousPrice);
  const intervalChanged = previous !== undefined && previous.months !== current.months;
  return {
    kind: 'record_plan_change',
    change: {
      subscriptionId: event.data.object.id,
      at: toDate(event.created),
      plan: current.plan.id,
      price: current.price,
      monthlyCredits: current.plan.monthlyCredits,
      raisesSlot: catalog.upgradeCredits === 'immediate' && !intervalChanged,
    },
  };
}
