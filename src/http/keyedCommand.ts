import type { RequestHandler } from 'express';
import type { z } from 'zod';
import type { KeyedOutcome } from '../app/idempotency';
import type { Clock } from '../domain/clock';
import { customerParam, parseInput } from './validate';

/**
 * The route of a command made at most once per idempotency key (debits, holds, adjustments): the body checked
 * against its schema, then 201 and the receipt when the command was made now, 200 and the first receipt when
 * the same request came again.
 */
export function keyedCommand<S extends z.ZodType, R>(
  clock: Clock,
  schema: S,
  run: (request: { customer: string; body: z.output<S>; now: Date }) => Promise<KeyedOutcome<R>>,
): RequestHandler<{ customer: string }> {
  return async (req, res) => {
    const customer = customerParam(req.params.customer);
    const outcome = await run({ customer, body: parseInput(schema, req.body, 'body'), now: clock.now() });
    res.status(outcome.created ? 201 : 200).json(outcome.receipt);
  };
}
