import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccountService } from './accounts';
import type { BillingSession, BillingSessionStore } from './ports';
import { readBalance } from './queries';

export const BILLING_SESSION_TTL = { defaultSeconds: 3600, minSeconds: 60, maxSeconds: 86_400 } as const;

/** 32 random bytes in base64url: 43 characters, 256 bits nobody can guess. */
const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface MintRequest {
  customer: string;
  returnUrl: string | null;
  ttlSeconds: number;
  now: Date;
}

/** A link for a customer this service has credits for: an unknown one is customer_not_found, as on every route. */
export async function mintBillingSession(
  deps: { sessions: BillingSessionStore; accounts: AccountService },
  request: MintRequest,
): Promise<{ token: string; session: BillingSession }> {
  await readBalance(deps.accounts, request.customer, request.now);
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const session: BillingSession = {
    tokenHash: hashToken(token),
    customer: request.customer,
    createdAt: request.now,
    expiresAt: new Date(request.now.getTime() + request.ttlSeconds * 1000),
    returnUrl: request.returnUrl,
    formToken: randomBytes(TOKEN_BYTES).toString('base64url'),
  };
  await deps.sessions.create(session);
  return { token, session };
}

/** The session a token opens at `now`, or null: malformed, unknown and expired tokens are told apart to nobody. */
export async function openBillingSession(sessions: BillingSessionStore, token: string, now: Date): Promise<BillingSession | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const session = await sessions.findByTokenHash(hashToken(token));
  // The store may keep a session a while after it ended; expiry is decided here, by the service's clock.
  if (!session || session.expiresAt.getTime() <= now.getTime()) return null;
  return session;
}

/** Constant-time, so the form token cannot be guessed byte by byte. */
export function formTokenMatches(session: BillingSession, candidate: unknown): boolean {
  if (typeof candidate !== 'string') return false;
  const expected = Buffer.from(session.formToken);
  const given = Buffer.from(candidate);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
