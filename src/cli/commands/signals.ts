import type { QueuedSignal } from '../../app/ports';
import type { AdminCommand, CommandStreams } from '../command';
import { EXIT, UsageError, parseFlags, writeJson } from '../command';

const USAGE = `Usage: npm run admin -- signals --failed [--limit N] [--json]
       npm run admin -- signals retry --id SIGNAL_ID

Signals to the app (APP_WEBHOOK_URL) that have not gone through:
  --failed       list dead signals (given up after 3 days of retries) and those still being retried,
                 oldest first, with their attempts and last error
  --limit N      at most N of them (default 100)
  --json         { "signals": [...] } on stdout

  retry --id ID  make a dead or waiting signal due now, with 3 more days of retries; a running server
                 delivers it within seconds. Its customer's later signals wait behind it again.

Exit status: 0 none failed (--failed) or retried; 1 failed signals listed; 2 usage or no such signal; 3 the run failed.
`;

function line(s: QueuedSignal): string {
  const next = s.status === 'pending' ? `next ${s.nextAttemptAt.toISOString()}` : 'dead';
  return `${s.id}  ${s.type}  ${s.status}  ${s.attempts} attempt(s)  ${next}  ${s.lastError ?? ''}`.trimEnd();
}

function writeList(io: CommandStreams, signals: QueuedSignal[], json: boolean): void {
  if (json) {
    writeJson(io, { signals: signals.map(({ body: _body, ...rest }) => rest) });
    return;
  }
  if (signals.length === 0) io.stdout.write('No failed signals.\n');
  for (const s of signals) io.stdout.write(`${line(s)}\n`);
}

export const signalsCommand: AdminCommand = {
  name: 'signals',
  summary: 'list signals the app has not acknowledged (--failed), or retry one (retry --id …)',
  usage: USAGE,
  async run(argv, deps) {
    const [first, ...rest] = argv;
    if (first === 'retry') {
      const flags = parseFlags(rest, { id: { type: 'string' } });
      if (!flags.id) throw new UsageError('retry needs --id SIGNAL_ID (from signals --failed)');
      const { stores } = await deps.open();
      const signal = await stores.signals.retry(flags.id, deps.clock.now());
      if (!signal) throw new UsageError(`no dead or waiting signal ${flags.id}`);
      deps.io.stdout.write(`Signal ${signal.id} (${signal.type}) is due now; a running server delivers it.\n`);
      return EXIT.ok;
    }
    const flags = parseFlags(argv, {
      failed: { type: 'boolean', default: false },
      limit: { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
    });
    if (!flags.failed) throw new UsageError('say --failed (list) or retry --id ID');
    const limit = Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit must be an integer from 1 to 10000');
    const { stores } = await deps.open();
    const failed = await stores.signals.failed(limit);
    writeList(deps.io, failed, flags.json);
    return failed.length === 0 ? EXIT.ok : EXIT.differences;
  },
};
