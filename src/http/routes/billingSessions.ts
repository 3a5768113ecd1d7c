import { Router } from 'express';
import { z } from 'zod';
import type { AccountService } from '../../app/accounts';
import { BILLING_SESSION_TTL, mintBillingSession } from '../../app/billingSessions';
import type { BillingSessionStore } from '../../app/ports';
import type { ReturnUrlPolicy } from '../../config/env';
import type { Clock } from '../../domain/clock';
import { logCustomerParam } from '../requestLog';
import { returnUrl } from '../returnUrls';
import { customerParam, parseInput } from '../validate';

export interface BillingSessionRouteDeps {
  clock: Clock;
  accounts: AccountService;
  billingSessions: BillingSessionStore;
  publicUrl: string;
  returnUrls: ReturnUrlPolicy;
}

const { defaultSeconds, minSeconds, maxSeconds } = BILLING_SESSION_TTL;

const mintBody = (returnUrls: ReturnUrlPolicy) => z.strictObject({
  // The page's "Back" link: an http(s) URL of the app's own origins, so a link can never lead elsewhere or carry javascript:.
  returnUrl: returnUrl(returnUrls).optional(),
  ttlSeconds: z
    .number({ error: `must be an integer from ${minSeconds} to ${maxSeconds}` })
    .int(`must be an integer from ${minSeconds} to ${maxSeconds}`)
    .min(minSeconds, `must be an integer from ${minSeconds} to ${maxSeconds}`)
    .max(maxSeconds, `must be at most ${maxSeconds} (24 hours)`)
    .default(defaultSeconds),
});

/** The app's backend mints a link to the customer's billing page; the browser gets the link, never a key. */
export function billingSessionRoutes(deps: BillingSessionRouteDeps): Router {
  const router = logCustomerParam(Router());
  const body = mintBody(deps.returnUrls);

  router.post('/customers/:customer/billing-sessions', async (req, res) => {
    const customer = customerParam(req.params.customer);
    const { returnUrl: back, ttlSeconds } = parseInput(body, req.body ?? {}, 'body');
    const { token, session } = await mintBillingSession({ sessions: deps.billingSessions, accounts: deps.accounts }, {
      customer,
      returnUrl: back ?? null,
      ttlSeconds,
      now: deps.clock.now(),
    });
    res.status(201).json({ url: `${deps.publicUrl}/billing/${token}`, expiresAt: session.expiresAt });
  });

  return router;
}
