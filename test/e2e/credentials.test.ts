import { resolve } from 'node:path';
import { startIsolated } from '../support/isolatedProcess';
import { PROJECT_ROOT } from '../support/isolatedProcess';

/** A database that refuses the connection, reached with a password that must never be printed. */
const URI = 'mongodb://user:s3cret@127.0.0.1:1/db';
const REDACTED = 'mongodb://user:***@127.0.0.1:1/db';
const env = { MONGODB_URI: URI, STRIPE_WEBHOOK_SECRET: 'whsec_x', CREDITS_CONFIG: resolve(PROJECT_ROOT, 'credits.config.json'), LOG_LEVEL: 'trace' };

describe('when MongoDB cannot be reached at start-up through a URI with a password', () => {
  it('then the server exits 1 naming the database it could not open, and the password appears nowhere', async () => {
    const { code, stdout, stderr } = await startIsolated({ entry: 'src/server.ts', env }).finished;
    expect(code).toBe(1);
    expect(stderr).toContain(`MongoDB at ${REDACTED} could not be opened`);
    expect(`${stdout}${stderr}`).not.toContain('s3cret');
  });

  it('then an admin command exits 3 the same way, and the password appears nowhere', async () => {
    const { code, stdout, stderr } = await startIsolated({ entry: 'src/cli/admin.ts', args: ['check-ledger'], env }).finished;
    expect(code).toBe(3);
    expect(stderr).toContain(`MongoDB at ${REDACTED} could not be opened`);
    expect(`${stdout}${stderr}`).not.toContain('s3cret');
  });
});
