import { readBalance } from '../../app/queries';
import type { BalanceView } from '../../domain/view';
import type { AdminCommand } from '../command';
import { EXIT, customerFlag, parseFlags, writeJson } from '../command';

const USAGE = `Usage: npm run admin -- balance --customer cus_… [--json]

The customer's balance as the app sees it (GET /v1/customers/:customer/balance): spendable buckets
in spending order, the subscription and the next grant. Like the API, reading settles the account to
now first (due slots issued, ended ones expired).

  --customer cus_…  the Stripe customer
  --json            the API's JSON body on stdout
`;

const iso = (date: Date | null): string => (date ? date.toISOString() : 'never');

export function formatBalance(view: BalanceView): string {
  const lines = [`${view.customer}  balance ${view.balance}`];
  if (view.buckets.length === 0) lines.push('  no spendable buckets');
  else {
    const rows = view.buckets.map((b) => [b.id, b.source, `${b.remaining}/${b.granted}`, iso(b.expiresAt)]);
    const header = ['bucket', 'source', 'remaining/granted', 'expires'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
    for (const row of [header, ...rows]) lines.push(`  ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}`);
  }
  const sub = view.subscription;
  if (sub) {
    const plan = `${sub.plan ?? 'unknown plan'} (${sub.price ?? 'unknown price'}${sub.months ? `, ${sub.months} month(s)` : ''})`;
    const term = sub.termStart && sub.termEnd ? `  term ${iso(sub.termStart)} → ${iso(sub.termEnd)}` : '';
    lines.push(`subscription ${sub.id}  ${plan}  ${sub.status}${sub.cancelAtPeriodEnd ? ' (cancels at period end)' : ''}${term}`);
  } else lines.push('no subscription');
  lines.push(view.nextGrant ? `next grant ${view.nextGrant.credits} at ${iso(view.nextGrant.at)}` : 'no grant scheduled');
  return `${lines.join('\n')}\n`;
}

export const balanceCommand: AdminCommand = {
  name: 'balance',
  summary: "a customer's balance, buckets, subscription and next grant",
  usage: USAGE,
  async run(argv, deps) {
    const flags = parseFlags(argv, {
      customer: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const customer = customerFlag(flags.customer, true);
    const { service, clock } = await deps.open();
    const view = await readBalance(service.accounts, customer, clock.now());
    if (flags.json) writeJson(deps.io, view);
    else deps.io.stdout.write(formatBalance(view));
    return EXIT.ok;
  },
};
