import { ConfigError, describeConfigError } from '../config';
import { isDomainError } from '../domain/errors';
import type { DomainErrorCode } from '../domain/errors';
import type { AdminCommand, CommandDeps } from './command';
import { EXIT, UsageError } from './command';
import { adjustCommand } from './commands/adjust';
import { balanceCommand } from './commands/balance';
import { checkLedgerCommand } from './commands/checkLedger';
import { runDueCommand } from './commands/runDue';
import { shardPlanCommand } from './commands/shardPlan';
import { signalsCommand } from './commands/signals';
import { reconcileAdminCommand, replayAdminCommand } from './commands/stripeCommands';

export const ADMIN_COMMANDS: readonly AdminCommand[] = [
  runDueCommand,
  balanceCommand,
  adjustCommand,
  checkLedgerCommand,
  reconcileAdminCommand,
  replayAdminCommand,
  signalsCommand,
  shardPlanCommand,
];

/** What the request itself got wrong: running it again unchanged cannot succeed, so it is not a failure of the run. */
const REFUSALS: ReadonlySet<DomainErrorCode> = new Set(['invalid_request', 'insufficient_credits', 'idempotency_key_reused', 'customer_not_found']);

export function adminHelp(): string {
  const width = Math.max(...ADMIN_COMMANDS.map((c) => c.name.length));
  const rows = ADMIN_COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: npm run admin -- <command> [flags]   (npm run admin -- <command> --help for its flags)',
    '',
    ...rows,
    '',
    'Exit status: 0 ok; 1 differences, breaches or parked events found; 2 usage, configuration or a refused request;',
    '3 the run failed (MongoDB or Stripe unreachable: running it again is safe).',
    '',
  ].join('\n');
}

/** Runs one admin command and returns its exit status; every failure becomes a message and a status, never a stack. */
export async function runAdmin(argv: string[], deps: CommandDeps): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    deps.io.stdout.write(adminHelp());
    return EXIT.ok;
  }
  const command = ADMIN_COMMANDS.find((c) => c.name === name);
  if (!command) {
    deps.io.stderr.write(`${name === undefined ? 'No command given.' : `Unknown command "${name}".`}\n\n${adminHelp()}`);
    return EXIT.usage;
  }
  // Every command's --help is its usage, whatever else is on the line: nothing is parsed or opened.
  if (rest.includes('--help') || rest.includes('-h')) {
    deps.io.stdout.write(command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, deps);
  } catch (error) {
    if (error instanceof UsageError) {
      deps.io.stderr.write(`${command.name}: ${error.message}\n\n${command.usage}`);
      return EXIT.usage;
    }
    if (isDomainError(error) && REFUSALS.has(error.code)) {
      deps.io.stderr.write(`${command.name} refused (${error.code}): ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof ConfigError) {
      deps.io.stderr.write(`${describeConfigError(error)}\n`);
      return EXIT.usage;
    }
    deps.io.stderr.write(`${command.name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}
