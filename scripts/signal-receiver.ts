/**
 * A tiny app endpoint for signals, to watch them arrive: verifies X-Credits-Signature with the client's
 * verifySignal and APP_WEBHOOK_SECRET (from .env), prints each signal, answers 204 (or 401 if it does not verify).
 *
 *   npm run signal-receiver -- [--port 4000]
 *   then, for `npm start`: APP_WEBHOOK_URL=http://localhost:4000/signals
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { verifySignal } from '../client/src';

function main(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { values } = parseArgs({ options: { port: { type: 'string', default: '4000' } } });
  const secrets = (process.env.APP_WEBHOOK_SECRET ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (secrets.length === 0) throw new Error('APP_WEBHOOK_SECRET is not set (copy .env.example to .env and set it)');

  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      try {
        const signal = verifySignal(body, req.headers['x-credits-signature']?.toString(), secrets);
        process.stdout.write(`${signal.type}  ${signal.id}  ${JSON.stringify(signal.data)}\n`);
        res.writeHead(204).end();
      } catch (error) {
        process.stdout.write(`refused: ${error instanceof Error ? error.message : String(error)}\n`);
        res.writeHead(401).end();
      }
    });
  });
  server.listen(Number(values.port), () => process.stdout.write(`waiting for signals on http://localhost:${values.port}/signals\n`));
}

main();
