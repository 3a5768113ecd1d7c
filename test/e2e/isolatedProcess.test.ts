import { CONFIG_VARIABLES } from '../../src/config';
import { HOSTILE_DOTENV, startIsolated } from '../support/isolatedProcess';

describe('a child process started by the tests', () => {
  it('when its last line is still on the way as it exits, then that line has been read when it is reported finished', async () => {
    const { finished } = startIsolated({ entry: 'test/fixtures/lastWords.ts', env: {} });
    expect(await finished).toEqual({ code: 3, signal: null, stdout: 'first line\nlast line\n', stderr: '' });
  });

  it('when a .env sits where it runs, then the service reads none of it: its environment is exactly what the test gave', async () => {
    const { finished } = startIsolated({ entry: 'src/server.ts', env: { LOG_LEVEL: 'warn' } });
    const { code, stdout, stderr } = await finished;
    // Without STRIPE_WEBHOOK_SECRET the service refuses to start; the .env beside it has one.
    expect({ code, stderr }).toEqual({ code: 1, stderr: expect.stringContaining('STRIPE_WEBHOOK_SECRET') });
    expect(HOSTILE_DOTENV['STRIPE_WEBHOOK_SECRET']).toBeDefined();
    expect(stdout).toBe('');
  });

  it('then the hostile .env sets every variable the service reads, so a leak of any of them shows', () => {
    expect(Object.keys(HOSTILE_DOTENV).sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
