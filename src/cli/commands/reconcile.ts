import { reconcile } from '../../app/reconcile/run';
import type { ReconcileDeps, ReconcileReport } from '../../app/reconcile/run';
import type { Clock } from '../../domain/clock';
import { UsageError, customerFlag, parseFlags, parseInstant } from '../command';
import type { CommandStreams, TextOut } from '../command';
import { formatReconcileJson, formatReconcileTable } from './reconcileReport';

export interface ReconcileCommandDeps {
  /** Built lazily, so `--help` and usage errors need no database or Stripe key. */
  open: () => Promise<ReconcileDeps>;
  clock: Clock;
  io: CommandStreams;
}

export const RECONCILE_USAGE = `Usage: npm run admin -- reconcile [--customer cus_…] [--since ISO] [--fix] [--json] [--progress]

Compares Stripe (paid subscription invoices, paid top-up Checkout Sessions, refunds, disputes) with
the ledger, one customer at a time, and lists missing, extra, doubled and mismatched grants, parked
events and ledger-invariant breaches.

  --customer cus_…  only this customer (default: every account, then every Stripe customer without one)
  --since ISO       only invoices and sessions created at or after this instant (refunds and disputes
                    of the customer's charges are always read in full)
  --fix             apply what is missing through the webhook's own code path, retry parked events,
                    then check again; what remains needs a person
  --json            one JSON document on stdout instead of the table
  --progress        progress on stderr even when stderr is not a terminal

Exit status: 0 Stripe and the ledger agree (after --fix: everything was repaired); 1 differences remain
(each marked "--fix" or "needs a person"); 2 usage; 3 the run failed (Stripe or MongoDB unreachable).
`;

export interface ReconcileArgs {
  customer: string | null;
  since: Date | null;
  fix: boolean;
  json: boolean;
  progress: boolean;
}

/** `--help` is the runner's (src/cli/runAdmin.ts), as for every command. */
export function parseReconcileArgs(argv: string[]): ReconcileArgs {
  const flags = parseFlags(argv, {
    customer: { type: 'string' },
    since: { type: 'string' },
    fix: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    progress: { type: 'boolean', default: false },
  });
  return {
    customer: customerFlag(flags.customer, false),
    since: flags.since === undefined ? null : parseInstant('--since', flags.since),
    fix: flags.fix,
    json: flags.json,
    progress: flags.progress,
  };
}

/** `reconcile`: returns the exit status (0 clean, 1 differences remain, 2 usage, 3 runtime failure). */
export async function reconcileCommand(argv: string[], deps: ReconcileCommandDeps): Promise<number> {
  const { io } = deps;
  let args: ReconcileArgs;
  try {
    args = parseReconcileArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`reconcile: ${error.message}\n\n${RECONCILE_USAGE}`);
    return 2;
  }
  const showProgress = args.progress || io.stderr.isTTY === true;
  const progress = progressLine(io.stderr, io.stderr.isTTY === true);
  let report: ReconcileReport;
  try {
    const reconcileDeps = await deps.open();
    report = await reconcile(reconcileDeps, {
      customer: args.customer,
      since: args.since,
      fix: args.fix,
      onProgress: showProgress ? progress.update : undefined,
    });
    if (showProgress) progress.end();
  } catch (error) {
    if (showProgress) progress.end();
    if (error instanceof UsageError) {
      io.stderr.write(`reconcile: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`reconcile failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 3;
  }
  const context = { at: deps.clock.now(), since: args.since, fix: args.fix, customer: args.customer };
  io.stdout.write(args.json ? formatReconcileJson(report, context) : formatReconcileTable(report, context));
  return report.differences.length === 0 ? 0 : 1;
}

/** On a terminal the line rewrites itself; elsewhere (with --progress) a line every 100 customers. */
function progressLine(stderr: TextOut, tty: boolean): { update: (p: { done: number; total: number | null }) => void; end: () => void } {
  let last = '';
  return {
    update: ({ done, total }) => {
      last = `reconcile: ${done}${total === null ? '' : `/${total}`} customers checked`;
      if (tty) stderr.write(`\r${last}`);
      else if (done % 100 === 0) stderr.write(`${last}\n`);
    },
    end: () => {
      if (tty && last) stderr.write('\n');
      else if (!tty && last) stderr.write(`${last}\n`);
    },
  };
}
