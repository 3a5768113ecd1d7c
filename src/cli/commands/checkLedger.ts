import { checkLedger } from '../../app/checkLedger';
import type { AccountCheck } from '../../app/checkLedger';
import type { AdminCommand, CommandStreams } from '../command';
import { EXIT, customerFlag, parseFlags } from '../command';

const USAGE = `Usage: npm run admin -- check-ledger [--customer cus_…] [--json]

Verifies the ledger invariants (src/store/README.md) for every account, one account at a time:
  1. the account's ledger entries sum to the balance;
  2. the balance is what the buckets hold, every bucket holds 0…granted, an expired bucket only what
     holds still reserve in it, and holds never reserve more than a bucket holds;
  3. sequence numbers run 1…seq without gaps and each balanceAfter is the running sum;
  4. no effect (opKey) is recorded twice.
Read-only: it repairs nothing.

  --customer cus_…  only this customer
  --json            { "breaches": [{ customer, kind, object, detail }…], "accounts": N, "breached": N }

Exit status: 0 every invariant holds; 1 breaches found; 2 usage; 3 the run failed.
`;

interface Totals {
  accounts: number;
  breached: number;
  breaches: number;
}

interface CheckWriter {
  account(check: AccountCheck): void;
  end(totals: Totals): void;
}

/** One line per breach as it is found, so a long run shows its findings without holding them. */
function textWriter(io: CommandStreams): CheckWriter {
  return {
    account: (check) => {
      for (const b of check.breaches) io.stdout.write(`${check.customer}  ${b.kind}  ${b.object}  ${b.detail}\n`);
    },
    end: (t) =>
      io.stdout.write(
        t.breaches === 0
          ? `Checked ${t.accounts} account(s): every invariant holds.\n`
          : `Checked ${t.accounts} account(s): ${t.breaches} breach(es) in ${t.breached} account(s).\n`,
      ),
  };
}

/** One JSON document, written as breaches are found: memory stays bounded whatever the number of accounts. */
function jsonWriter(io: CommandStreams): CheckWriter {
  let first = true;
  io.stdout.write('{"breaches":[');
  return {
    account: (check) => {
      for (const b of check.breaches) {
        io.stdout.write(`${first ? '\n' : ',\n'}${JSON.stringify({ customer: check.customer, ...b })}`);
        first = false;
      }
    },
    end: (t) => io.stdout.write(`\n],"accounts":${t.accounts},"breached":${t.breached}}\n`),
  };
}

export const checkLedgerCommand: AdminCommand = {
  name: 'check-ledger',
  summary: 'verify the ledger invariants for every account',
  usage: USAGE,
  async run(argv, deps) {
    const flags = parseFlags(argv, {
      customer: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const customer = customerFlag(flags.customer, false);
    const { stores } = await deps.open();
    const out = flags.json ? jsonWriter(deps.io) : textWriter(deps.io);
    const totals: Totals = { accounts: 0, breached: 0, breaches: 0 };
    for await (const check of checkLedger({ accounts: stores.accounts }, { customer })) {
      totals.accounts += 1;
      if (check.breaches.length > 0) totals.breached += 1;
      totals.breaches += check.breaches.length;
      out.account(check);
    }
    out.end(totals);
    return totals.breaches === 0 ? EXIT.ok : EXIT.differences;
  },
};
