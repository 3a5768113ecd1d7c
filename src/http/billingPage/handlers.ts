import type { Request, Response } from 'express';
import { z } from 'zod';
import { MAX_TOPUP_QUANTITY, openCustomerPortal, startTopupCheckout } from '../../app/billing';
import type { BillingDeps } from '../../app/billing';
import { RECENT_ACTIVITY, readBillingPage } from '../../app/billingPage';
import type { BillingPageDeps } from '../../app/billingPage';
import type { BillingSession } from '../../app/ports';
import { isStripeCustomerId } from '../../domain/customerId';
import { customerView } from '../../domain/customerView';
import { DomainError } from '../../domain/errors';
import type { Formats } from './format';
import { activityRows, creditsSummary, offers, paymentNotice, planSummary, topupExpiryText, wayOutRows } from './pageModel';
import type { LayoutInput, PageRenderer } from './render';
import { isOwnForm } from './security';

/** What every handler of one link's pages knows once the link has been checked. */
export interface LinkContext {
  req: Request;
  res: Response;
  session: BillingSession;
  now: Date;
  f: Formats;
  layout: LayoutInput;
  links: { page: string; activity: string; checkout: string; portal: string; absolutePage: string };
}

export interface HandlerDeps extends BillingPageDeps, BillingDeps {
  renderer: PageRenderer;
  stripeConfigured: boolean;
}

const ALL_ACTIVITY_PAGE = 50;

/** Checkout and the portal act on a Stripe customer: an account kept under another id has neither button. */
function canUseStripe(deps: HandlerDeps, session: BillingSession): boolean {
  return deps.stripeConfigured && isStripeCustomerId(session.customer);
}

export async function showPage(deps: HandlerDeps, ctx: LinkContext): Promise<void> {
  const { session, now, f } = ctx;
  const read = await readBillingPage(deps, { customer: session.customer, now, activityLimit: RECENT_ACTIVITY, activityCursor: null, withPrices: true });
  const view = customerView(read.balance, deps.catalog, now);
  const offerList = offers(read, f);
  const stripe = canUseStripe(deps, session);
  const html = deps.renderer.render('page', ctx.layout, {
    notice: paymentNotice({ paid: ctx.req.query['paid'], canceled: ctx.req.query['canceled'] }, read, f),
    credits: creditsSummary(view, f),
    plan: planSummary(view, f),
    ways: wayOutRows(view.waysOut, offerList, f),
    offers: offerList,
    topupExpiry: topupExpiryText(deps.catalog.topupExpiry),
    maxQuantity: MAX_TOPUP_QUANTITY,
    canBuy: stripe,
    canManage: stripe,
    formToken: session.formToken,
    links: ctx.links,
    activity: activityRows(read, f),
    moreActivity: read.olderActivity !== null,
    expiresAt: { iso: session.expiresAt.toISOString(), text: f.dateTime(session.expiresAt) },
  });
  ctx.res.type('html').send(html);
}

const activityQuery = z.object({ cursor: z.string().min(1).max(255).optional() });

export async function showActivity(deps: HandlerDeps, ctx: LinkContext): Promise<void> {
  const query = activityQuery.safeParse(ctx.req.query);
  if (!query.success) throw new DomainError('invalid_request', 'cursor: not a cursor this page gave', { field: 'cursor' });
  const cursor = query.data.cursor ?? null;
  const read = await readBillingPage(deps, { customer: ctx.session.customer, now: ctx.now, activityLimit: ALL_ACTIVITY_PAGE, activityCursor: cursor, withPrices: false });
  const html = deps.renderer.render('activity', ctx.layout, {
    rows: activityRows(read, ctx.f),
    links: { page: ctx.links.page, older: read.olderActivity && `${ctx.links.activity}?cursor=${encodeURIComponent(read.olderActivity)}` },
  });
  ctx.res.type('html').send(html);
}

/** A form field as browsers send it: the quantity input's digits. */
const checkoutForm = z.object({
  price: z.string().min(1).max(255),
  quantity: z
    .string()
    .regex(/^\s*\d{1,7}\s*$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_TOPUP_QUANTITY)),
});

function redirectTo(deps: HandlerDeps, res: Response, url: string, label: string): void {
  res.status(303).location(url).type('html').send(deps.renderer.redirect(url, label));
}

export class ForeignFormError extends Error {}

function requireOwnForm(ctx: LinkContext): void {
  const body: unknown = ctx.req.body;
  const token = typeof body === 'object' && body !== null && 'formToken' in body ? body.formToken : undefined;
  if (!isOwnForm(ctx.req, ctx.session, token)) throw new ForeignFormError('the form did not come from this page');
}

export async function startCheckout(deps: HandlerDeps, ctx: LinkContext): Promise<void> {
  requireOwnForm(ctx);
  const form = checkoutForm.safeParse(ctx.req.body);
  if (!form.success) {
    const field = form.error.issues[0]?.path[0] === 'price' ? 'price' : 'quantity';
    throw new DomainError('invalid_request', `${field}: not one the page offers`, { field });
  }
  const session = await startTopupCheckout(deps, {
    customer: ctx.session.customer,
    price: form.data.price,
    quantity: form.data.quantity,
    // Stripe fills in the session id, so the page can tell when this payment's credits have arrived.
    successUrl: `${ctx.links.absolutePage}?paid={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${ctx.links.absolutePage}?canceled=1`,
  });
  redirectTo(deps, ctx.res, session.url, 'Stripe Checkout');
}

export async function openPortal(deps: HandlerDeps, ctx: LinkContext): Promise<void> {
  requireOwnForm(ctx);
  const portal = await openCustomerPortal(deps, { customer: ctx.session.customer, returnUrl: ctx.links.absolutePage });
  redirectTo(deps, ctx.res, portal.url, 'the Stripe customer portal');
}
