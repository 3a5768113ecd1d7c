import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { systemClock } from '../domain/clock';
import { redactCredentials } from '../redact';
import type { AdminContext, TextOut } from './command';
import { openAdminContext } from './context';
import type { OpenedContext } from './context';
import { runAdmin } from './runAdmin';

/** Whatever a command prints (a failure can quote a connection string) goes out without passwords. */
function redacting(stream: NodeJS.WriteStream): TextOut & { isTTY?: boolean } {
  return { write: (text: string) => stream.write(redactCredentials(text)), isTTY: stream.isTTY };
}

/** `npm run admin -- <command>`: the entry point; src/cli/runAdmin.ts holds the commands. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  // Opened on first use, so `--help` and usage errors never touch the database.
  const session: { opened: Promise<OpenedContext> | null } = { opened: null };
  const open = async (): Promise<AdminContext> => {
    session.opened ??= openAdminContext({ env: process.env, projectRoot: resolve(__dirname, '..', '..'), clock: systemClock });
    return (await session.opened).context;
  };
  const io = { stdout: redacting(process.stdout), stderr: redacting(process.stderr) };
  const code = await runAdmin(process.argv.slice(2), { io, clock: systemClock, open });
  // A context that failed to open has been reported by runAdmin and has nothing to close.
  const opened = await session.opened?.catch(() => null);
  if (opened) await opened.close();
  process.exitCode = code;
}

main().catch((error: unknown) => {
  process.stderr.write(redactCredentials(`admin failed: ${error instanceof Error ? error.message : String(error)}\n`));
  process.exitCode = 3;
});
