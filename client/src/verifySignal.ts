import { createHmac, timingSafeEqual } from 'node:crypto';
import type { components } from './schema';

type Signal = components['schemas']['Signal'];

export class SignalVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignalVerificationError';
  }
}

const TYPES = new Set(['credits.granted', 'credits.low', 'credits.exhausted', 'credits.expired', 'subscription.changed']);

function isSignal(value: unknown): value is Signal {
  return (
    typeof value === 'object' &&
    value !== null &&
    'id' in value &&
    typeof value.id === 'string' &&
    'type' in value &&
    typeof value.type === 'string' &&
    TYPES.has(value.type) &&
    'customer' in value &&
    'data' in value
  );
}

/**
 * Checks a signal's `X-Credits-Signature` (`t=…,v1=…`, HMAC-SHA256 over `${t}.${body}`, as Stripe signs
 * webhooks) against one secret or several (while rotating: any may match any v1), and that `t` is within
 * `toleranceSeconds` of now (replay protection). `body` must be the raw request body, byte for byte.
 * Answers the parsed signal, or throws SignalVerificationError.
 */
export function verifySignal(
  body: string | Buffer,
  header: string | null | undefined,
  secret: string | readonly string[],
  options: { toleranceSeconds?: number; now?: Date } = {},
): Signal {
  if (!header) throw new SignalVerificationError('No X-Credits-Signature header.');
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const given = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => Buffer.from(v ?? '', 'hex'));
  if (!Number.isInteger(t) || given.length === 0) throw new SignalVerificationError('X-Credits-Signature is not t=…,v1=….');
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const matches = secrets.some((s) => {
    const expected = createHmac('sha256', s).update(`${t}.${text}`).digest();
    return given.some((g) => g.length === expected.length && timingSafeEqual(g, expected));
  });
  if (!matches) throw new SignalVerificationError('No signature matches: wrong secret, or the body was changed.');
  const tolerance = options.toleranceSeconds ?? 300;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - t) > tolerance) throw new SignalVerificationError(`The signature is ${Math.abs(now - t)} s old, more than ${tolerance} s.`);
  const parsed: unknown = JSON.parse(text);
  if (!isSignal(parsed)) throw new SignalVerificationError('The body is not a signal.');
  return parsed;
}
