import { randomUUID } from 'node:crypto';
import { adjustCredits } from '../../app/adjustments';
import type { AdminCommand } from '../command';
import { EXIT, UsageError, customerFlag, parseFlags, parseInstant, writeJson } from '../command';

const USAGE = `Usage: npm run admin -- adjust --customer cus_… --amount N --reason "…" [--idempotency-key K] [--expires-at ISO] [--json]

Grants (N > 0) or takes (N < 0) credits by hand, as POST /v1/admin/customers/:customer/adjustments.
A grant gets a bucket of its own (source "adjustment"); a deduction takes credits in spending order and
never takes the balance below zero. A grant to a cus_ id without an account opens the account.

  --customer cus_…       the Stripe customer
  --amount N             a non-zero whole number of credits, e.g. 500 or -200
  --reason "…"           why (1–255 characters), kept on the ledger entry
  --idempotency-key K    run it again with the same key and it applies once; without one a key is
                         generated and printed, so a retry after a failure can reuse it
  --expires-at ISO       grants only: when the granted credits expire (default: never)
  --json                 { created, idempotencyKey, entry, balance } on stdout
`;

/** parseArgs reads "--amount -200" as a missing value followed by a flag; "-200" is the amount here. */
function joinNegativeAmount(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i] === '--amount' && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`--amount=${next}`);
      i++;
    } else out.push(argv[i] ?? '');
  }
  return out;
}

function amountOf(text: string | undefined): number {
  if (text === undefined) throw new UsageError('--amount N is required');
  const amount = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(amount) || amount === 0) {
    throw new UsageError(`--amount must be a non-zero whole number, got "${text}"`);
  }
  return amount;
}

function textOf(flag: string, value: string | undefined, required: boolean): string | null {
  if (value === undefined) {
    if (required) throw new UsageError(`${flag} is required`);
    return null;
  }
  if (value.length < 1 || value.length > 255) throw new UsageError(`${flag} must be 1–255 characters, got ${value.length}`);
  return value;
}

export const adjustCommand: AdminCommand = {
  name: 'adjust',
  summary: 'grant or take credits by hand, once per idempotency key',
  usage: USAGE,
  async run(argv, deps) {
    const flags = parseFlags(joinNegativeAmount(argv), {
      customer: { type: 'string' },
      amount: { type: 'string' },
      reason: { type: 'string' },
      'idempotency-key': { type: 'string' },
      'expires-at': { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const customer = customerFlag(flags.customer, true);
    const amount = amountOf(flags.amount);
    const reason = textOf('--reason', flags.reason, true) ?? '';
    const givenKey = textOf('--idempotency-key', flags['idempotency-key'], false);
    const expiresAt = flags['expires-at'] === undefined ? null : parseInstant('--expires-at', flags['expires-at']);
    const idempotencyKey = givenKey ?? `cli-${randomUUID()}`;
    // Printed before anything is sent: if the connection drops mid-way, the admin still has the key to retry with.
    if (!givenKey) deps.io.stderr.write(`adjust: idempotency key ${idempotencyKey} (pass --idempotency-key ${idempotencyKey} to retry safely)\n`);

    const { service, clock } = await deps.open();
    const outcome = await adjustCredits(service.accounts, { customer, amount, reason, idempotencyKey, expiresAt, now: clock.now() });
    const { entry, balance } = outcome.receipt;
    if (flags.json) {
      writeJson(deps.io, { created: outcome.created, idempotencyKey, ...outcome.receipt });
      return EXIT.ok;
    }
    const verb = entry.amount > 0 ? `Granted ${entry.amount}` : `Took ${-entry.amount}`;
    const head = outcome.created ? `${verb} credits` : `Already applied with this key: ${verb.toLowerCase()} credits`;
    deps.io.stdout.write(
      `${head} for ${customer} (entry ${entry.id}${entry.bucket ? `, bucket ${entry.bucket}` : ''}); balance after it ${balance}.\n` +
        `Idempotency key: ${idempotencyKey}\n`,
    );
    return EXIT.ok;
  },
};
