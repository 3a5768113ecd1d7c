import type { Request, Response } from 'express';
import { formTokenMatches } from '../../app/billingSessions';
import type { BillingSession } from '../../app/ports';
import type { BillingPageSettings } from '../../config/env';

/** A year, the common preload minimum; subdomains are left out: they are the operator's, not this page's. */
const HSTS = 'max-age=31536000';

/**
 * Where the page's forms may lead. A form's POST answers 303 to Stripe's hosted Checkout or customer portal, and
 * browsers hold the whole redirect chain to `form-action`, so Stripe's two origins are listed beside our own.
 */
export const STRIPE_HOSTED_ORIGINS = ['https://checkout.stripe.com', 'https://billing.stripe.com'];

export function contentSecurityPolicy(input: { styleHash: string; scriptHash: string; frameAncestors: string[] }): string {
  const ancestors = input.frameAncestors.length > 0 ? input.frameAncestors.join(' ') : "'none'";
  return [
    "default-src 'none'",
    `style-src ${input.styleHash}`,
    `script-src ${input.scriptHash}`,
    "img-src 'self'",
    `form-action 'self' ${STRIPE_HOSTED_ORIGINS.join(' ')}`,
    `frame-ancestors ${ancestors}`,
    "base-uri 'none'",
  ].join('; ');
}

/** Every answer under /billing, the 401 and 429 pages included. */
export function setPageHeaders(res: Response, csp: string, settings: Pick<BillingPageSettings, 'frameAncestors' | 'strictTransportSecurity'>): void {
  res.setHeader('Content-Security-Policy', csp);
  // Production: a browser that once saw the page never again sends the link's token over plain http.
  if (settings.strictTransportSecurity) res.setHeader('Strict-Transport-Security', HSTS);
  // The link's token is in the URL: no Referer may carry it to Stripe, the app or anyone linked from the page.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // A page holding a credential in its URL must not be kept by a shared cache or the back/forward cache of a kiosk.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  // For browsers without CSP frame-ancestors; it cannot name several origins, so it is left out when some are allowed.
  if (settings.frameAncestors.length === 0) res.setHeader('X-Frame-Options', 'DENY');
}

/**
 * A POST is the page's own when it carries the session's form token (which only the rendered page holds, never
 * the URL) and, in browsers that say where a request comes from, comes from the same origin. Origin cannot be
 * used: with `Referrer-Policy: no-referrer` browsers send `Origin: null` on a form POST.
 */
export function isOwnForm(req: Request, session: BillingSession, formToken: unknown): boolean {
  const site = req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return false;
  return formTokenMatches(session, formToken);
}
