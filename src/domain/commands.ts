import type { AccountDraft } from './draft';
import { applySubscriptionSnapshot, startTerm } from './subscriptions';
import type { PaidTerm, SubscriptionSnapshot } from './subscriptions';

/** What a Stripe event means for credits, once the Stripe mapping has read it. */
export type CreditCommand =
  | { kind: 'start_term'; term: PaidTerm }
  | { kind: 'sync_subscription'; snapshot: SubscriptionSnapshot }
  | { kind: 'link_external_id'; externalId: string };

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
    case 'link_external_id':
      if (draft.state.externalId !== command.externalId) {
        draft.state.externalId = command.externalId;
        draft.touch();
      }
      return;
  }
}
