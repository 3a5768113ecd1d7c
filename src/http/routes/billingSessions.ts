import { Router } from 'express';
import { z } from 'zod';
import type { AccountService } from '../../app/accounts';
import { BILLING_SESSION_TTL, mintBillingSession } from '../../app/billingSessions';
import type { BillingSessionStore } from '../../app/ports';
import type { Clock } from '../../domain/clock';
import { logCustomerParam } from '../requestLog';
import { customerParam, parseInput } from '../validate';

export interface BillingSessionRouteDeps {
  clock: Clock;
  accounts: AccountService;
  billingSessions: BillingSessionStore;
  publicUrl: string;
}

const { defaultSeconds, minSeconds, maxSeconds } = BILLING_SESSION_TTL;

const mintBody = z.strictObject({
  // The page's "Back" link: an absolute http(s) URL, so a link can never carry javascript: or data: into the page.
  returnUrl: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).max(2048).optional(),
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

  router.post('/customers/:customer/billing-sessions', async (req, res) => {
    const customer = customerParam(req.params.customer);
    const body = parseInput(mintBody, req.body ?? {}, 'body');
    const { token, session } = await mintBillingSession({ sessions: deps.billingSessions, accounts: deps.accounts }, {
      customer,
      returnUrl: body.returnUrl ?? null,
      ttlSeconds: body.ttlSeconds,
      now: deps.clock.now(),
    });
    res.status(201).json({ url: `${deps.publicUrl}/billing/${token}`, expiresAt: session.expiresAt });
  });

  return router;
}
