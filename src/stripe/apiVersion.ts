/** The Stripe API version this service speaks; webhooks of older versions are read too (see readers.ts). */
export const STRIPE_API_VERSION = '2026-10-28.endive';
