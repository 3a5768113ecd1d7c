/**
 * The chaos suite's judges of ledgers: the expected accounts computed from the events sent, and the
 * comparison with what the API shows. A judge that cannot see a lost or doubled credit is a defect.
 */
import type Stripe from 'stripe';
import type { AccountView, LedgerLine } from '../../chaos/api';
import { expectedAccounts } from '../../chaos/expected';
import { judgeAccounts } from '../../chaos/judge';
import { chargeObject, checkoutSessionObject, event, invoiceLine, invoicePaid, invoicePaymentSucceeded, subscriptionEvent, topupMetadata } from '../fixtures/stripe';

const customer = 'cus_chaosunit';
const term = { customer, subscription: 'sub_unit', price: 'price_pro_m', periodStart: '2026-03-01T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z' };

const topup = (quantity: number): Stripe.CheckoutSessionCompletedEvent =>
  event('checkout.session.completed', checkoutSessionObject({ id: 'cs_unit', customer, paymentIntent: 'pi_unit', amountTotal: 3000, metadata: topupMetadata('price_topup_1k', quantity) })) satisfies Stripe.CheckoutSessionCompletedEvent;

const refunded = (amountRefunded: number): Stripe.ChargeRefundedEvent =>
  event('charge.refunded', chargeObject({ id: 'ch_unit', customer, paymentIntent: 'pi_unit', amount: 3000, amountRefunded })) satisfies Stripe.ChargeRefundedEvent;

const upgrade = (): Stripe.InvoicePaidEvent =>
  invoicePaid({
    id: 'in_unit_upgrade',
    customer,
    subscription: 'sub_unit',
    billingReason: 'subscription_update',
    lines: [
      invoiceLine({ price: 'price_pro_m', periodStart: '2026-03-10T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z', amount: -300, proration: true, subscription: 'sub_unit' }),
      invoiceLine({ price: 'price_max_m', periodStart: '2026-03-10T00:00:00Z', periodEnd: '2026-04-01T00:00:00Z', amount: 900, proration: true, subscription: 'sub_unit' }),
    ],
  });

function view(balance: number | null, entries: Omit<LedgerLine, 'balanceAfter'>[]): AccountView {
  let running = 0;
  const lines = entries.map((e) => ({ ...e, balanceAfter: (running += e.amount) }));
  return { customer, balance, cancelAtPeriodEnd: null, entries: lines };
}

describe('the expected ledgers of the chaos suite', () => {
  it('when invoice.paid and invoice.payment_succeeded of one invoice both arrive, then it grants once', () => {
    const expected = expectedAccounts([invoicePaid({ id: 'in_unit', ...term }), invoicePaymentSucceeded({ id: 'in_unit', ...term })]);
    expect(expected.get(customer)).toMatchObject({ balance: 5000, effects: [{ type: 'grant', ref: 'in_unit', amount: 5000 }] });
  });

  it('when a pro slot is upgraded to max, then the slot is raised by the difference, once', () => {
    const expected = expectedAccounts([invoicePaid({ id: 'in_unit', ...term }), upgrade(), upgrade()]);
    expect(expected.get(customer)?.effects).toEqual([
      { type: 'grant', ref: 'in_unit', amount: 5000 },
      { type: 'raise', ref: 'in_unit', amount: 15000 },
    ]);
  });

  it('when a top-up is refunded in part then in full, in either order, then all of it is revoked', () => {
    for (const events of [[topup(3), refunded(1000), refunded(3000)], [refunded(3000), refunded(1000), topup(3)]]) {
      expect(expectedAccounts(events).get(customer)).toMatchObject({ balance: 0, effects: [{ type: 'grant', amount: 3000 }, { type: 'revoke', ref: 'pi_unit', amount: -3000 }] });
    }
  });

  it('when a third of a top-up is refunded, then floor(credits × refunded / amount) is revoked', () => {
    expect(expectedAccounts([topup(3), refunded(1000)]).get(customer)?.balance).toBe(2000);
  });

  it('when subscription snapshots arrive out of order, then the newest by created decides cancel_at_period_end', () => {
    const snapshot = (cancel: boolean, created: string) => subscriptionEvent('customer.subscription.updated', { id: 'sub_unit', customer, periodStart: term.periodStart, periodEnd: term.periodEnd, cancelAtPeriodEnd: cancel }, { created });
    const expected = expectedAccounts([snapshot(true, '2026-03-02T00:00:00Z'), snapshot(false, '2026-03-01T00:00:00Z')]);
    expect(expected.get(customer)?.cancelAtPeriodEnd).toBe(true);
  });
});

describe('judging the ledgers the API shows', () => {
  const expected = expectedAccounts([invoicePaid({ id: 'in_unit', ...term }), topup(1)]);

  it('when every effect is there once, then nothing is reported', () => {
    const verdict = judgeAccounts(expected, [view(6000, [{ type: 'grant', ref: 'in_unit', amount: 5000 }, { type: 'grant', ref: 'cs_unit', amount: 1000 }])]);
    expect(verdict).toMatchObject({ lost: 0, doubled: 0, extra: 0, wrongBalances: 0, mismatchedAccounts: 0 });
  });

  it('when a grant is missing, then it is lost and the balance is wrong', () => {
    const verdict = judgeAccounts(expected, [view(5000, [{ type: 'grant', ref: 'in_unit', amount: 5000 }])]);
    expect(verdict).toMatchObject({ lost: 1, doubled: 0, wrongBalances: 1, mismatchedAccounts: 1 });
  });

  it('when a grant is recorded twice, then it is doubled', () => {
    const twice = view(11000, [
      { type: 'grant', ref: 'in_unit', amount: 5000 },
      { type: 'grant', ref: 'in_unit', amount: 5000 },
      { type: 'grant', ref: 'cs_unit', amount: 1000 },
    ]);
    expect(judgeAccounts(expected, [twice])).toMatchObject({ lost: 0, doubled: 1, wrongBalances: 1 });
  });

  it('when the ledger holds an effect nobody asked for, then it is extra', () => {
    const extra = view(5999, [{ type: 'grant', ref: 'in_unit', amount: 5000 }, { type: 'grant', ref: 'cs_unit', amount: 1000 }, { type: 'debit', ref: 'k', amount: -1 }]);
    expect(judgeAccounts(expected, [extra])).toMatchObject({ extra: 1, wrongBalances: 1 });
  });

  it('when the account does not exist, then every expected effect is lost', () => {
    expect(judgeAccounts(expected, [])).toMatchObject({ lost: 2, mismatchedAccounts: 1 });
  });
});
