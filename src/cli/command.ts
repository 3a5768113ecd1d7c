import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import type { Service } from '../compose';
import type { AppConfig } from '../config';
import type { Catalog } from '../domain/catalog';
import type { Clock } from '../domain/clock';
import { isStripeCustomerId } from '../domain/customerId';
import type { Stores } from '../store/connection';

/**
 * The shape every admin command has, so src/cli/admin.ts is only a table of them. A command parses its
 * own flags, opens the database only when it needs it (usage errors never connect), and returns its
 * exit status. `--help`, UsageError → 2 and any other failure → 3 are handled by the runner.
 */
export interface AdminCommand {
  name: string;
  /** One line for `help`. */
  summary: string;
  usage: string;
  run(argv: string[], deps: CommandDeps): Promise<number>;
}

export interface CommandDeps {
  io: CommandStreams;
  /** Real time: the admin clock (TEST_CLOCK) lives inside the server process, not here. */
  clock: Clock;
  /** Config, connection and the composed service, built on first use. */
  open: () => Promise<AdminContext>;
}

export interface AdminContext {
  config: AppConfig;
  catalog: Catalog;
  stores: Stores;
  service: Service;
  clock: Clock;
}

export const EXIT = {
  ok: 0,
  /** check-ledger found breaches, reconcile found differences, replay parked events. */
  differences: 1,
  usage: 2,
  failure: 3,
};

export interface TextOut {
  write(text: string): unknown;
}

export interface CommandStreams {
  stdout: TextOut;
  stderr: TextOut & { isTTY?: boolean };
}

/** What the operator typed wrong: the runner prints it with the command's usage and exits 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict, no positionals; its messages already name the unknown or incomplete flag. */
export function parseFlags<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // Not `instanceof Error`: node's own errors come from another realm under some runners (jest's vm).
    const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
    throw new UsageError(message.split('\n')[0] ?? message);
  }
}

/** A Stripe customer id, as every command that names one expects. */
export function customerFlag(value: string | undefined, required: true): string;
export function customerFlag(value: string | undefined, required: false): string | null;
export function customerFlag(value: string | undefined, required: boolean): string | null {
  if (value === undefined) {
    if (required) throw new UsageError('--customer cus_… is required');
    return null;
  }
  if (!isStripeCustomerId(value)) throw new UsageError(`--customer must be a Stripe customer id (cus_…), got "${value}"`);
  return value;
}

export function parseInstant(flag: string, text: string): Date {
  const instant = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(instant.getTime())) {
    throw new UsageError(`${flag} must be an ISO 8601 time such as 2026-01-31T00:00:00Z, got "${text}"`);
  }
  return instant;
}

export function writeJson(io: CommandStreams, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
