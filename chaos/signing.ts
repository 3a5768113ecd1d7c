/**
 * Stripe's webhook signature over raw bytes (`Stripe-Signature: t=…,v1=…`, HMAC-SHA256 of `t.body`), so
 * the suite can sign bodies that are not events at all: `[]`, `null`, deeply nested arrays.
 * test/unit/chaos.test.ts checks it against the stripe package's own test header.
 */
import { createHmac } from 'node:crypto';

export function stripeSignature(body: string | Buffer, input: { secret: string; timestamp?: number }): string {
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const signed = Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
  return `t=${timestamp},v1=${createHmac('sha256', input.secret).update(signed).digest('hex')}`;
}
