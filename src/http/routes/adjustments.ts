import { Router } from 'express';
import { z } from 'zod';
import type { AccountService } from '../../app/accounts';
import { adjustCredits } from '../../app/adjustments';
import type { Clock } from '../../domain/clock';
import { logCustomerParam } from '../requestLog';
import { customerParam, idString, isoInstant, parseInput } from '../validate';

export interface AdjustmentRouteDeps {
  clock: Clock;
  accounts: AccountService;
}

const adjustmentBody = z.strictObject({
  amount: z
    .number()
    .int()
    .min(-Number.MAX_SAFE_INTEGER)
    .max(Number.MAX_SAFE_INTEGER)
    .refine((n) => n !== 0, 'must not be zero'),
  reason: z.string().min(1).max(255),
  idempotencyKey: idString,
  expiresAt: isoInstant.optional(),
});

/** Mounted under /v1/admin: a manual grant (positive) or deduction (negative), exactly once per key. */
export function adjustmentRoutes(deps: AdjustmentRouteDeps): Router {
  const router = logCustomerParam(Router());

  router.post('/customers/:customer/adjustments', async (req, res) => {
    const customer = customerParam(req.params.customer);
    const body = parseInput(adjustmentBody, req.body, 'body');
    const outcome = await adjustCredits(deps.accounts, {
      customer,
      amount: body.amount,
      reason: body.reason,
      idempotencyKey: body.idempotencyKey,
      expiresAt: body.expiresAt ?? null,
      now: deps.clock.now(),
    });
    res.status(outcome.created ? 201 : 200).json(outcome.receipt);
  });

  return router;
}
