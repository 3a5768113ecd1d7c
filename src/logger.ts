import pino from 'pino';
import { redactCredentials } from './redact';

export type Logger = pino.Logger;

/** Where log lines go: stdout by default; tests pass a sink to read every line. */
export type LogDestination = pino.DestinationStream;

/**
 * Errors are logged by name, message, code and stack only. pino's default serializer copies every
 * enumerable field, and client errors carry request options, headers and raw responses.
 */
function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = 'code' in error && (typeof error.code === 'string' || typeof error.code === 'number') ? error.code : undefined;
  return { type: error.name, message: error.message, code, stack: error.stack };
}

/**
 * Structured JSON logs. Nothing logs headers or bodies; the redaction below is a second line of
 * defence should a secret-bearing field ever be passed in by mistake, and every written line loses the
 * passwords of any connection string in it (src/redact.ts).
 */
export function createLogger(level: string, destination?: LogDestination): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'credits' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: errorFields, error: errorFields },
    redact: {
      paths: [
        'headers.authorization',
        'headers["stripe-signature"]',
        '*.headers.authorization',
        '*.headers["stripe-signature"]',
        'authorization',
        'secret',
        'apiKey',
        'stripeSecretKey',
        'webhookSecrets',
        '*.secret',
        '*.apiKey',
        '*.apiKeys',
        '*.adminApiKeys',
        '*.stripeSecretKey',
        '*.webhookSecrets',
      ],
      censor: '[redacted]',
    },
    // Whatever field or message carries a connection string, its password is gone before the line is written.
    hooks: { streamWrite: redactCredentials },
  };
  return destination ? pino(options, destination) : pino(options);
}
