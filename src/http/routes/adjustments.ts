import { Router } from 'express';
import { z } from 'zod';
import type { AccountService } from '../../app/accounts';
import { adjustCredits } from '../../app/adjustments';
import type { Clock } from '../../domain/clock';
import { keyedCommand } from '../keyedCommand';
import { logCustomerParam } from '../requestLog';
import { idString, isoInstant } from '../validate';

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

  router.post(
    '/customers/:customer/adjustments',
    keyedCommand(deps.clock, adjustmentBody, ({ customer, body, now }) =>
      adjustCredits(deps.accounts, { customer, amount: body.amount, reason: body.reason, idempotencyKey: body.idempotencyKey, expiresAt: body.expiresAt ?? null, now }),
    ),
  );

  return router;
}
