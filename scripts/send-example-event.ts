/**
 * Sends one signed `invoice.paid` event to a running service, as Stripe would: a customer paying
 * the first month of the `pro` plan now. Signed with the first secret in STRIPE_WEBHOOK_SECRET.
 *
 *   npm run example-event -- [--customer cus_demo] [--price price_pro_m] [--url http://localhost:3000]
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { invoicePaid, signedDelivery, stripeId } from '../test/fixtures/stripe';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { values } = parseArgs({
    options: {
      customer: { type: 'string', default: 'cus_demo' },
      price: { type: 'string', default: 'price_pro_m' },
      url: { type: 'string', default: `http://localhost:${process.env.PORT || 3000}` },
    },
  });
  const secret = (process.env.STRIPE_WEBHOOK_SECRET ?? '').split(',')[0]?.trim();
  if (!secret) throw new Error('STRIPE_WEBHOOK_SECRET is not set (copy .env.example to .env)');

  const now = new Date();
  const end = new Date(now);
  end.setUTCMonth(end.getUTCMonth() + 1);
  const event = invoicePaid({
    customer: values.customer,
    subscription: stripeId('sub'),
    price: values.price,
    periodStart: now,
    periodEnd: end,
  });
  const { body, signature } = signedDelivery(event, { secret });
  const res = await fetch(`${values.url}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
    body,
  });
  process.stdout.write(`${event.type} ${event.id} for ${values.customer} → ${res.status} ${await res.text()}\n`);
  if (!res.ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
