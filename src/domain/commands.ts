import type { AccountDraft } from './draft';
import { recordPlanChange } from './planChanges';
import type { PlanChangeInput } from './planChanges';
import { recordDispute, recordRefund } from './reversals';
import type { DisputeNotice, RefundNotice } from './reversals';
import { applySubscriptionSnapshot, startTerm } from './subscriptions';
import type { PaidTerm, SubscriptionSnapshot } from './subscriptions';
import { grantTopup } from './topups';
import type { PaidTopup } from './topups';

/** What a Stripe event means for credits, once the Stripe mapping has read it. */
export type CreditCommand =
  | { kind: 'start_term'; term: PaidTerm }
  | { kind: 'sync_subscription'; snapshot: SubscriptionSnapshot }
  | { kind: 'link_external_id'; externalId: string }
  | { kind: 'grant_topup'; topup: PaidTopup }
  | { kind: 'record_plan_change'; change: PlanChangeInput }
  | { kind: 'record_refund'; refund: RefundNotice }
  | { kind: 'record_dispute'; dispute: DisputeNotice };

export type MappedEvent =
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'parked'; reason: string; customer: string | null }
  | { outcome: 'apply'; customer: string; commands: CreditCommand[] };

export function applyCommand(draft: AccountDraft, command: CreditCommand): void {
  switch (command.kind) {
    case 'start_term':
      startTerm(draft, command.term);
      return;
    case 'sync_subscription':
      applySubscriptionSnapshot(draft, command.snapshot);
      return;
    case 'grant_topup':
      grantTopup(draft, command.topup);
      return;
    case 'record_plan_change':
      recordPlanChange(draft, command.change);
      return;
    case 'record_refund':
      recordRefund(draft, command.refund);
      return;
    case 'record_dispute':
      recordDispute(draft, command.dispute);
      return;
    case 'link_external_id':
      if (draft.state.externalId !== command.externalId) {
        draft.state.externalId = command.externalId;
        draft.touch();
      }
      return;
  }
}
