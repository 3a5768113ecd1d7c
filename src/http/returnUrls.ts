import { z } from 'zod';
import type { ReturnUrlPolicy } from '../config/env';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function allowed(url: URL, policy: ReturnUrlPolicy): boolean {
  if (policy.allowedOrigins === 'localhost') return LOCAL_HOSTS.has(url.hostname);
  return policy.allowedOrigins.includes(url.origin);
}

/**
 * Why a URL the caller wants the customer sent back to is refused, or null. The billing page's "Back" link and
 * Stripe's redirects follow it, so it must lead to the app itself (ALLOWED_RETURN_ORIGINS): never to a look-alike
 * such as `https://app.example.com@evil.example/` (a user-info part, whose host is evil.example), and in production
 * only over https.
 */
export function returnUrlProblem(text: string, policy: ReturnUrlPolicy): string | null {
  if (!URL.canParse(text)) return 'must be an absolute http(s) URL';
  const url = new URL(text);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an absolute http(s) URL';
  if (url.username !== '' || url.password !== '') return 'must not have a user-info part (user@ before the host)';
  if (policy.httpsOnly && url.protocol !== 'https:') return 'must be an https URL';
  if (!allowed(url, policy)) {
    const expected = policy.allowedOrigins === 'localhost' ? 'a localhost origin (set ALLOWED_RETURN_ORIGINS to allow others)' : 'an origin listed in ALLOWED_RETURN_ORIGINS';
    return `must lead to ${expected}, not ${url.origin}`;
  }
  return null;
}

/** A return URL field: at most 2048 characters, checked against the deployment's policy. */
export function returnUrl(policy: ReturnUrlPolicy) {
  return z
    .string({ error: 'must be an absolute http(s) URL' })
    .max(2048)
    .superRefine((text, ctx) => {
      const problem = returnUrlProblem(text, policy);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}
