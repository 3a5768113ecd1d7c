import { Router } from 'express';
import { z } from 'zod';
import type { RunDueResult } from '../../app/runDue';
import type { AdjustableClock, Clock } from '../../domain/clock';
import { DomainError } from '../../domain/errors';
import { isoInstant, parseInput } from '../validate';

export interface AdminRouteDeps {
  clock: Clock;
  /** Present only with TEST_CLOCK=1. */
  testClock: AdjustableClock | null;
  runDue: (asOf: Date) => Promise<RunDueResult>;
}

const runDueBody = z.strictObject({ asOf: isoInstant.optional() });
const clockBody = z.strictObject({ now: isoInstant });

export function adminRoutes(deps: AdminRouteDeps): Router {
  const router = Router();

  router.post('/run-due', async (req, res) => {
    const body = parseInput(runDueBody, req.body ?? {}, 'body');
    const now = deps.clock.now();
    // Settling an account ahead of time would expire credits the customer still owns now.
    if (body.asOf && body.asOf.getTime() > now.getTime()) {
      throw new DomainError('invalid_request', 'asOf: must not be in the future', { field: 'asOf' });
    }
    const result = await deps.runDue(body.asOf ?? now);
    res.json({ granted: result.granted, expired: result.expired, failed: result.failed });
  });

  router.get('/clock', (_req, res) => {
    if (!deps.testClock) throw new DomainError('clock_disabled', 'The admin clock needs TEST_CLOCK=1.');
    res.json({ now: deps.testClock.now() });
  });

  router.put('/clock', (req, res) => {
    if (!deps.testClock) throw new DomainError('clock_disabled', 'The admin clock needs TEST_CLOCK=1.');
    const body = parseInput(clockBody, req.body, 'body');
    deps.testClock.set(body.now);
    res.json({ now: deps.testClock.now() });
  });

  return router;
}
