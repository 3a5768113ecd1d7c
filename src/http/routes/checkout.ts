import { Router } from 'express';
import { z } from 'zod';
import { MAX_TOPUP_QUANTITY, openCustomerPortal, startSubscriptionCheckout, startTopupCheckout } from '../../app/billing';
import type { BillingGateway } from '../../app/ports';
import type { ReturnUrlPolicy } from '../../config/env';
import type { Catalog } from '../../domain/catalog';
import { STRIPE_CUSTOMER_ID } from '../../domain/customerId';
import { logCustomerParam } from '../requestLog';
import { returnUrl } from '../returnUrls';
import { idString, parseInput } from '../validate';

export interface CheckoutRouteDeps {
  catalog: Catalog;
  billing: BillingGateway;
  returnUrls: ReturnUrlPolicy;
}

/** Checkout and the portal act on a Stripe customer, so the id must look like one before Stripe is asked. */
const stripeCustomer = idString.regex(STRIPE_CUSTOMER_ID, 'must be a Stripe customer id (cus_…)');
/** Where Stripe redirects the customer: the app's own origins (it may carry Stripe's {CHECKOUT_SESSION_ID} placeholder). */
function bodies(returnUrls: ReturnUrlPolicy) {
  const redirectUrl = returnUrl(returnUrls);
  const subscription = z
    .strictObject({
      price: idString,
      successUrl: redirectUrl,
      cancelUrl: redirectUrl,
      customer: stripeCustomer.optional(),
      email: z.email().max(254).optional(),
      externalId: idString.optional(),
    })
    // Stripe refuses both at once; saying so here names the field before anything is sent.
    .refine((body) => !(body.customer && body.email), { path: ['email'], message: 'give either customer or email, not both' });
  const topup = z.strictObject({
    price: idString,
    quantity: z.number().int().min(1).max(MAX_TOPUP_QUANTITY).default(1),
    successUrl: redirectUrl,
    cancelUrl: redirectUrl,
  });
  return { subscription, topup, portal: z.strictObject({ returnUrl: redirectUrl }) };
}

export function checkoutRoutes(deps: CheckoutRouteDeps): Router {
  const router = logCustomerParam(Router());
  const { subscription: subscriptionBody, topup: topupBody, portal: portalBody } = bodies(deps.returnUrls);

  router.post('/checkout/subscription', async (req, res) => {
    const body = parseInput(subscriptionBody, req.body, 'body');
    const session = await startSubscriptionCheckout(deps, {
      price: body.price,
      successUrl: body.successUrl,
      cancelUrl: body.cancelUrl,
      customer: body.customer ?? null,
      email: body.email ?? null,
      externalId: body.externalId ?? null,
    });
    res.json({ id: session.id, url: session.url });
  });

  router.post('/customers/:customer/checkout/topup', async (req, res) => {
    const customer = parseInput(stripeCustomer, req.params.customer, 'customer');
    const body = parseInput(topupBody, req.body, 'body');
    const session = await startTopupCheckout(deps, { customer, ...body });
    res.json({ id: session.id, url: session.url });
  });

  router.post('/customers/:customer/portal', async (req, res) => {
    const customer = parseInput(stripeCustomer, req.params.customer, 'customer');
    const body = parseInput(portalBody, req.body, 'body');
    const portal = await openCustomerPortal(deps, { customer, returnUrl: body.returnUrl });
    res.json({ url: portal.url });
  });

  return router;
}
