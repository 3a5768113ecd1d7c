import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { systemClock } from '../domain/clock';
import type { AdminContext } from './command';
import { openAdminContext } from './context';
import type { OpenedContext } from './context';
import { runAdmin } from './runAdmin';

/** `npm run admin -- <command>`: the entry point; src/cli/runAdmin.ts holds the commands. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  // Opened on first use, so `--help` and usage errors never touch the database.
  const session: { opened: Promise<OpenedContext> | null } = { opened: null };
  const open = async (): Promise<AdminContext> => {
    session.opened ??= openAdminContext({ env: process.env, projectRoot: resolve(__dirname, '..', '..'), clock: systemClock });
    return (await session.opened).context;
  };
  const code = await runAdmin(process.argv.slice(2), { io: { stdout: process.stdout, stderr: process.stderr }, clock: systemClock, open });
  // A context that failed to open has been reported by runAdmin and has nothing to close.
  const opened = await session.opened?.catch(() => null);
  if (opened) await opened.close();
  process.exitCode = code;
}

main().catch((error: unknown) => {
  process.stderr.write(`admin failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 3;
});
