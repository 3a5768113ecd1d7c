import type Stripe from 'stripe';
import type { DisputeStatus } from '../domain/account';
import type { MappedEvent } from '../domain/commands';
import type { PaymentCustomerFinder } from './lookups';
import { chargeInvoice, idOf, toDate } from './readers';

/**
 * charge.refunded: recorded on the payer's account. A refund of a top-up takes its credits back
 * (cumulatively); a refund of anything else (a subscription invoice) is only recorded, for reports.
 */
export async function mapChargeRefunded(event: Stripe.ChargeRefundedEvent, payments: PaymentCustomerFinder): Promise<MappedEvent> {
  const charge = event.data.object;
  const paymentIntent = idOf(charge.payment_intent);
  const customer = idOf(charge.customer) ?? (await payments.customerOfPayment({ paymentIntent, charge: null }));
  if (!customer) return { outcome: 'parked', reason: `refunded charge ${charge.id} has no customer`, customer: null };
  return {
    outcome: 'apply',
    customer,
    commands: [
      {
        kind: 'record_refund',
        refund: {
          paymentIntent,
          charge: charge.id,
          amount: charge.amount,
          amountRefunded: charge.amount_refunded,
          invoice: chargeInvoice(charge),
          at: toDate(event.created),
        },
      },
    ],
  };
}

type DisputeEvent = Stripe.ChargeDisputeCreatedEvent | Stripe.ChargeDisputeClosedEvent;

/**
 * Disputes: opening one takes the top-up's remaining credits back; closing it `won` (or an inquiry
 * closed without a chargeback) gives exactly those back; `lost` changes nothing more.
 */
export async function mapDispute(event: DisputeEvent, payments: PaymentCustomerFinder): Promise<MappedEvent> {
  const dispute = event.data.object;
  const paymentIntent = idOf(dispute.payment_intent);
  const charge = idOf(dispute.charge);
  const customer = await payments.customerOfPayment({ paymentIntent, charge });
  if (!customer) return { outcome: 'parked', reason: `dispute ${dispute.id} has no known customer`, customer: null };
  const status = event.type === 'charge.dispute.created' ? 'open' : closedStatus(dispute.status);
  return {
    outcome: 'apply',
    customer,
    commands: [{ kind: 'record_dispute', dispute: { id: dispute.id, paymentIntent, charge, status, at: toDate(event.created) } }],
  };
}

function closedStatus(status: Stripe.Dispute.Status): DisputeStatus {
  if (status === 'won' || status === 'warning_closed') return 'won';
  if (status === 'lost') return 'lost';
  return 'open';
}
