import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseEnv } from 'node:util';
import { CONFIG_VARIABLES } from '../../src/config';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
const TSX_LOADER = pathToFileURL(join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** What a developer's `.env` might hold: every variable set to something a test that read it would notice. */
export const HOSTILE_ENV_FILE = join(PROJECT_ROOT, 'test', 'fixtures', 'hostile.env');
export const HOSTILE_DOTENV: Record<string, string | undefined> = parseEnv(readFileSync(HOSTILE_ENV_FILE, 'utf8'));

/**
 * The whole environment of a child: PATH, every configuration variable set ('' means "not set" to the
 * service, src/config/env.ts), then the test's own values. Nothing comes from the shell that runs jest,
 * and a `.env` in the child's directory cannot fill anything in: process.loadEnvFile never overrides a
 * variable that exists, even an empty one.
 */
export function isolatedEnv(values: Record<string, string>): Record<string, string> {
  const unset = Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, '']));
  return { PATH: process.env.PATH ?? '', ...unset, ...values };
}

/** A fresh directory to run in, holding a hostile `.env`, so a child that read it would show it. */
export function scratchDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'credits-child-'));
  copyFileSync(HOSTILE_ENV_FILE, join(dir, '.env'));
  return dir;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface IsolatedProcess {
  child: ChildProcess;
  /**
   * Resolves on 'close', once the process has exited *and* its output streams have ended: on 'exit' the
   * last lines may still be in the pipe (a test reading them then failed under load).
   */
  finished: Promise<Finished>;
}

/**
 * Runs one of the project's TypeScript entry points (src/server.ts, src/cli/admin.ts, a script) as an
 * operator would, with exactly `env` (see isolatedEnv) from a scratch directory with a hostile `.env`.
 */
export function startIsolated(input: {
  entry: string;
  args?: string[];
  env: Record<string, string>;
  onStdoutLine?: (line: string) => void;
  /** Node options before the entry; the TypeScript loader (tsx) unless the entry is compiled JavaScript. */
  nodeArgs?: string[];
}): IsolatedProcess {
  const nodeArgs = input.nodeArgs ?? ['--import', TSX_LOADER];
  const child = spawn(process.execPath, [...nodeArgs, resolve(PROJECT_ROOT, input.entry), ...(input.args ?? [])], {
    cwd: scratchDirectory(),
    env: isolatedEnv(input.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    stdout += `${line}\n`;
    input.onStdoutLine?.(line);
  });
  const finished = new Promise<Finished>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
  return { child, finished };
}
