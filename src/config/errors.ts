import type { FieldProblem } from './issues';

/**
 * Invalid configuration: start-up must stop. `field` is the environment variable (`STRIPE_WEBHOOK_SECRET`)
 * or the catalog path (`plans[0].prices[1].months`) to fix first; the message names it, and `problems` every
 * other one found in the same pass.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly field: string;
  readonly problems: readonly FieldProblem[];

  constructor(field: string, message: string, problems: readonly FieldProblem[] = [{ field, sentence: message }]) {
    super(message);
    this.field = field;
    this.problems = problems;
  }
}

/** What an operator reads: one line for one problem, one line each for several. */
export function describeConfigError(error: ConfigError): string {
  if (error.problems.length <= 1) return `Invalid configuration: ${error.message}`;
  return [`Invalid configuration (${error.problems.length} problems):`, ...error.problems.map((p) => `  - ${p.sentence}`)].join('\n');
}
