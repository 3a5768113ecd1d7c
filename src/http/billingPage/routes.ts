import express, { Router } from 'express';
import type { ErrorRequestHandler, Request, Response } from 'express';
import { MAX_TOPUP_QUANTITY } from '../../app/billing';
import { hashToken, openBillingSession } from '../../app/billingSessions';
import type { BillingSessionStore } from '../../app/ports';
import type { BillingPageSettings } from '../../config/env';
import type { Clock } from '../../domain/clock';
import { isDomainError } from '../../domain/errors';
import type { Logger } from '../../logger';
import { ANSWER_WITHIN_MS, answerWithin } from '../deadline';
import { clientError, statusOf } from '../errors';
import { bindLogFields, requestLogger } from '../requestLog';
import { formatsFor, pickLocale } from './format';
import { ForeignFormError, openPortal, showActivity, showPage, startCheckout } from './handlers';
import type { HandlerDeps, LinkContext } from './handlers';
import { LOOKUP_FAILURE_LIMIT, PAGE_RATE_LIMIT, FixedWindowLimiter, clientKey } from './rateLimit';
import type { RateLimit } from './rateLimit';
import { createPageRenderer } from './render';
import type { LayoutInput, PageRenderer } from './render';
import { contentSecurityPolicy, setPageHeaders } from './security';

export interface BillingPageRouteDeps extends Omit<HandlerDeps, 'renderer'> {
  clock: Clock;
  billingSessions: BillingSessionStore;
  publicUrl: string;
  billingPage: BillingPageSettings;
  logger: Logger;
  /** Requests per link; tests lower it. */
  pageRateLimit?: RateLimit;
  /** Lookups of links that open nothing, per client; tests lower it. */
  lookupFailureLimit?: RateLimit;
}

type Handler = (deps: HandlerDeps, ctx: LinkContext) => Promise<void>;

function message(renderer: PageRenderer, res: Response, status: number, layout: LayoutInput, text: { heading: string; paragraphs: string[]; link?: { url: string; label: string } }): void {
  res.status(status).type('html').send(renderer.render('message', { ...layout, title: text.heading }, { link: null, ...text }));
}

/** What a failure says to the customer: the cause in plain words, never Stripe's or the database's own message. */
function failureText(error: unknown): { status: number; heading: string; paragraph: string } {
  if (error instanceof ForeignFormError) {
    return { status: 403, heading: 'This form has expired', paragraph: 'Nothing was charged. Go back to the billing page and try again.' };
  }
  if (!isDomainError(error)) {
    return { status: 500, heading: 'Something went wrong', paragraph: 'Nothing was charged. Try again in a moment.' };
  }
  const status = statusOf(error.code);
  switch (error.code) {
    case 'invalid_request':
      // Our own words only: a refusal from Stripe quotes Stripe's message, which is not for the customer.
      return { status, heading: 'That did not work', paragraph: `Nothing was charged. ${error.details['field'] === 'quantity' ? `Choose a quantity from 1 to ${MAX_TOPUP_QUANTITY}.` : 'Check the form and try again.'}` };
    case 'stripe_error':
      return { status, heading: 'Payments are unavailable right now', paragraph: 'Nothing was charged. Try again in a moment.' };
    case 'customer_not_found':
      return { status, heading: 'No billing account at Stripe', paragraph: 'Stripe does not know this account yet. Nothing was charged.' };
    case 'concurrent_update':
      return { status, heading: 'Your account is busy', paragraph: 'Nothing was charged. Try again in a moment.' };
    case 'unavailable':
      return { status, heading: 'Billing is not answering right now', paragraph: 'Nothing was charged. Try again in a moment.' };
    case 'stripe_not_configured':
      return { status, heading: 'Payments are not set up', paragraph: 'This service cannot take payments yet. Nothing was charged.' };
    default:
      return { status, heading: 'Something went wrong', paragraph: 'Nothing was charged. Try again in a moment.' };
  }
}

/**
 * The customer's billing page (SPEC §8) under /billing/:token (mounted at the app's root). The token in the path is
 * the only credential: it opens one customer's session, and every handler acts on that session's customer and no other.
 */
export function billingPageRoutes(deps: BillingPageRouteDeps): Router {
  const renderer = createPageRenderer(deps.billingPage);
  const handlerDeps: HandlerDeps = { ...deps, renderer };
  const csp = contentSecurityPolicy({ styleHash: renderer.styleHash, scriptHash: renderer.scriptHash, frameAncestors: deps.billingPage.frameAncestors });
  const limiter = new FixedWindowLimiter(deps.pageRateLimit ?? PAGE_RATE_LIMIT);
  const failedLookups = new FixedWindowLimiter(deps.lookupFailureLimit ?? LOOKUP_FAILURE_LIMIT);
  // Links inside the page are paths under PUBLIC_URL's own path, so a proxy that mounts the service under a prefix works.
  const basePath = new URL(deps.publicUrl).pathname.replace(/\/+$/, '');

  const layoutFor = (req: Request, back: LayoutInput['back']): LayoutInput => ({ lang: pickLocale(req.header('accept-language')), title: 'Billing and subscription', back });
  const backLabel = deps.billingPage.brandName ? `Back to ${deps.billingPage.brandName}` : 'Back to the app';

  const linkPage = (handler: Handler) => async (req: Request<{ token: string }>, res: Response) => {
    const token = req.params.token;
    const plain = layoutFor(req, null);
    const client = clientKey(req.ip);
    // A client that keeps opening links that do not exist is guessing: it is refused before any database read.
    const guessing = failedLookups.peek(client);
    const limit = guessing.allowed ? limiter.take(hashToken(token)) : guessing;
    if (!limit.allowed) {
      res.setHeader('Retry-After', String(limit.retryAfterSeconds));
      return message(renderer, res, 429, plain, { heading: 'Too many requests', paragraphs: ['Wait a minute, then reload the page.'] });
    }
    const now = deps.clock.now();
    const session = await openBillingSession(deps.billingSessions, token, now);
    if (!session) {
      failedLookups.take(client);
      return message(renderer, res, 401, plain, {
        heading: 'This billing link has expired',
        paragraphs: ['Billing links work for a limited time, or the address is not complete.', 'Go back to the app and open billing again for a new link.'],
      });
    }
    bindLogFields(res, { customer: session.customer });
    const pagePath = `${basePath}/billing/${token}`;
    const layout = layoutFor(req, session.returnUrl ? { url: session.returnUrl, label: backLabel } : null);
    const links = { page: pagePath, activity: `${pagePath}/activity`, checkout: `${pagePath}/checkout`, portal: `${pagePath}/portal`, absolutePage: `${deps.publicUrl}/billing/${token}` };
    try {
      await handler(handlerDeps, { req, res, session, now, f: formatsFor(layout.lang), layout, links });
    } catch (error) {
      const failure = failureText(error);
      if (failure.status >= 500) requestLogger(res, deps.logger).warn({ err: error }, 'billing page request not served');
      message(renderer, res, failure.status, layout, { heading: failure.heading, paragraphs: [failure.paragraph], link: { url: pagePath, label: 'Back to billing' } });
    }
  };

  // Case-sensitive: /Billing/<token> is no page of ours (it was, and the log's redaction missed it).
  const router = Router({ caseSensitive: true });
  router.use((_req, res, next) => {
    setPageHeaders(res, csp, deps.billingPage);
    next();
  });
  router.use(
    answerWithin(ANSWER_WITHIN_MS, (res, req) =>
      message(renderer, res, 503, layoutFor(req, null), { heading: 'Billing is not answering right now', paragraphs: ['Nothing was charged. Try again in a moment.'] }),
    ),
  );
  router.use(express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 }));
  router.get('/:token', linkPage(showPage));
  router.get('/:token/activity', linkPage(showActivity));
  router.post('/:token/checkout', linkPage(startCheckout));
  router.post('/:token/portal', linkPage(openPortal));

  // Failures before a link is open (the session store down, a body too large): a plain page, never JSON or a stack.
  const pageErrors: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    // What the browser sent could not be read (too large, an encoding or charset we do not read): its 4xx, as a page.
    const refused = clientError(error);
    if (refused) {
      message(renderer, res, refused.status, layoutFor(req, null), { heading: 'This form could not be read', paragraphs: ['Nothing was charged. Go back to the billing page and try again.'] });
      return;
    }
    // Before a link is open (its session could not be read): the same words as a failure after.
    const failure = failureText(error);
    requestLogger(res, deps.logger).error({ err: error }, 'billing page failed');
    message(renderer, res, failure.status, layoutFor(req, null), { heading: failure.heading, paragraphs: [failure.paragraph] });
  };
  router.use(pageErrors);
  return Router({ caseSensitive: true }).use('/billing', router);
}
