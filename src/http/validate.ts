import { z } from 'zod';
import { DomainError } from '../domain/errors';

/** Ids and keys: strings of 1–255 characters. */
export const idString = z.string().min(1).max(255);
export const positiveAmount = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const metadataRecord = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((m) => Object.keys(m).length <= 50, 'must have at most 50 keys');
/**
 * JSON.parse makes `__proto__` an ordinary key, which a record then drops without a word: the caller's metadata would
 * silently lose it. It is refused by name instead (and could never be stored and read back as given anyway).
 */
export const metadataSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    if (typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__')) {
      ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'is not allowed as a metadata key' });
    }
  })
  .pipe(metadataRecord);

export const debitBody = z.strictObject({
  amount: positiveAmount,
  idempotencyKey: idString,
  reason: z.string().max(500).optional(),
  metadata: metadataSchema.optional(),
});

export const holdBody = z.strictObject({
  amount: positiveAmount,
  idempotencyKey: idString,
  /** SPEC §9: 15 minutes by default, at most 24 hours. */
  ttlSeconds: z.number().int().min(1).max(24 * 60 * 60).optional(),
  metadata: metadataSchema.optional(),
});

export const captureBody = z.strictObject({ amount: positiveAmount.optional() });

/** A release takes no input; an empty object (or no body) is all it accepts. */
export const releaseBody = z.strictObject({});

export const ledgerQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: idString.optional(),
});

export const customerQuery = z.object({ externalId: idString });

export const isoInstant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** Parses input or throws invalid_request naming the first bad field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, where: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : where;
  const message = issue ? `${path}: ${issue.message}` : `${where} is invalid`;
  throw new DomainError('invalid_request', message, { field: path });
}

export function customerParam(value: unknown): string {
  return parseInput(idString, value, 'customer');
}
