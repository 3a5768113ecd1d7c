import { startScheduler } from '../../src/jobs/scheduler';
import { createLogger } from '../../src/logger';
import { captureLogs } from '../support/logCapture';

/** A sweep the test finishes by hand, so nothing here depends on time. */
function heldSweep(): { sweep: () => Promise<unknown>; finish: () => void; fail: (error: Error) => void; runs: () => number } {
  let runs = 0;
  let settle: { finish: () => void; fail: (error: Error) => void } = { finish: () => undefined, fail: () => undefined };
  return {
    sweep: () => {
      runs += 1;
      return new Promise<void>((finish, fail) => (settle = { finish, fail }));
    },
    finish: () => settle.finish(),
    fail: (error) => settle.fail(error),
    runs: () => runs,
  };
}

const flush = (): Promise<void> => new Promise((done) => setImmediate(done));
// Never due while a test runs: only the catch-up run at start happens.
const YEARLY = '0 0 1 1 *';

describe('the sweep scheduler', () => {
  it('when it starts, then it sweeps once at once to catch up on boundaries missed while down', () => {
    const held = heldSweep();
    const scheduler = startScheduler({ cron: YEARLY, sweep: held.sweep, logger: createLogger('silent') });
    expect(held.runs()).toBe(1);
    held.finish();
    return scheduler.stop();
  });

  it('when it is stopped during a sweep, then stop resolves only after that sweep finished', async () => {
    const held = heldSweep();
    const scheduler = startScheduler({ cron: YEARLY, sweep: held.sweep, logger: createLogger('silent') });
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await flush();
    expect(stopped).toBe(false);

    held.finish();
    await stopping;
    expect(stopped).toBe(true);
  });

  it('when a sweep fails, then the failure is logged and stop still resolves', async () => {
    const logs = captureLogs();
    const held = heldSweep();
    const scheduler = startScheduler({ cron: YEARLY, sweep: held.sweep, logger: logs.logger });
    const stopping = scheduler.stop();
    held.fail(new Error('MongoDB went away'));
    await stopping;
    expect(logs.lines().find((l) => l['level'] === 50)).toMatchObject({ err: { message: 'MongoDB went away' } });
  });
});
