import type { AdminCommand } from '../command';
import { EXIT, UsageError, parseFlags, parseInstant, writeJson } from '../command';

const USAGE = `Usage: npm run admin -- run-due [--as-of ISO] [--json]

Issues every monthly slot that has begun and expires every bucket that has ended: what the scheduler
runs every few minutes. Safe to run while the server runs, on any number of machines.

  --as-of ISO   settle up to this past instant instead of now (a future one is refused: it would
                expire credits the customers still own)
  --json        { asOf, granted, expired, accounts } on stdout
`;

export const runDueCommand: AdminCommand = {
  name: 'run-due',
  summary: 'issue and expire everything due now (what the scheduler runs)',
  usage: USAGE,
  async run(argv, deps) {
    const flags = parseFlags(argv, {
      'as-of': { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const now = deps.clock.now();
    const asOf = flags['as-of'] === undefined ? now : parseInstant('--as-of', flags['as-of']);
    // The same rule as POST /v1/admin/run-due.
    if (asOf.getTime() > now.getTime()) throw new UsageError(`--as-of must not be in the future (now is ${now.toISOString()})`);
    const { service } = await deps.open();
    const result = await service.runDue(asOf);
    if (flags.json) writeJson(deps.io, { asOf, ...result });
    else {
      deps.io.stdout.write(
        `As of ${asOf.toISOString()}: ${result.granted} grant(s) issued and ${result.expired} bucket(s) expired across ${result.accounts} account(s).\n`,
      );
      if (result.failed > 0) deps.io.stdout.write(`${result.failed} account(s) failed and stay due for the next run (see the log).\n`);
    }
    return result.failed > 0 ? EXIT.failure : EXIT.ok;
  },
};
