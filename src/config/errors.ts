/**
 * Invalid configuration: start-up must stop. `field` is the environment variable (`STRIPE_WEBHOOK_SECRET`)
 * or the catalog path (`plans[0].prices[1].months`) to fix; the message names it too.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}
