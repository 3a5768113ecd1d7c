import { redactCredentials } from '../../src/redact';
import { loggedPath } from '../../src/http/requestLog';
import { captureLogs } from '../support/logCapture';

describe('credentials in connection strings are never printed', () => {
  test.each([
    ['mongodb://user:s3cret@127.0.0.1:1/db', 'mongodb://user:***@127.0.0.1:1/db'],
    ['mongodb+srv://app:s3cret@cluster0.example.net/credits?retryWrites=true', 'mongodb+srv://app:***@cluster0.example.net/credits?retryWrites=true'],
    ['mongodb://user:p%40ss%2Fs3cret@a:1,b:2/db?replicaSet=rs', 'mongodb://user:***@a:1,b:2/db?replicaSet=rs'],
    ['mongodb://user:pa/ss:s3cret@host/db', 'mongodb://user:***@host/db'],
    ['mongodb://s3cret-token@host/db', 'mongodb://***@host/db'],
    ['failed to reach mongodb://a:s3cret@h1/db, then mongodb://b:s3cret@h2/db', 'failed to reach mongodb://a:***@h1/db, then mongodb://b:***@h2/db'],
    ['mongodb://127.0.0.1:27017/db', 'mongodb://127.0.0.1:27017/db'],
    ['no address here', 'no address here'],
  ])('when %s is printed, then it reads %s', (text, printed) => {
    expect(redactCredentials(text)).toBe(printed);
  });

  test('when a log line carries a connection string in its message, an error or a field, then the password is not in it', () => {
    const logs = captureLogs();
    const uri = 'mongodb://user:s3cret@10.0.0.7:27017/credits';
    logs.logger.error({ err: new Error(`server selection timed out for ${uri}`), uri, nested: { url: uri } }, `could not reach ${uri}`);
    expect(logs.text()).not.toContain('s3cret');
    expect(logs.text()).toContain('mongodb://user:***@10.0.0.7:27017/credits');
    expect(logs.lines()).toHaveLength(1);
  });
});

describe('billing-link tokens are never in a logged path', () => {
  const token = 'Yqd8uaqj8nA0kc6dvlpc9hn0U6nN-_sWBNxB97kcgDU';
  test.each([
    [`/billing/${token}`, '/billing/:token'],
    [`/billing/${token}/activity`, '/billing/:token/activity'],
    [`/Billing/${token}`, '/Billing/:token'],
    [`/BILLING/${token}/checkout`, '/BILLING/:token/checkout'],
    [`//billing/${token}`, '//billing/:token'],
    [`/billing//${token}`, '/billing//:token'],
    [`/%62illing/${token}`, '/%62illing/:token'],
    [`/billing/${token}/x/y`, '/billing/:token/x/y'],
    [`/billing/short`, '/billing/:token'],
    [`/v1/customers/${token}/balance`, '/v1/customers/:token/balance'],
    [`/x/pre${token}post`, '/x/:token'],
    [`/x/${token.slice(0, 20)}%2D${token.slice(21)}`, '/x/:token'],
    ['/v1/customers/cus_123/balance', '/v1/customers/cus_123/balance'],
    ['/healthz', '/healthz'],
    ['/', '/'],
  ])('when %s is requested, then the log says %s', (path, logged) => {
    expect(loggedPath(path)).toBe(logged);
  });
});
