import mongoose from 'mongoose';
import { isDatabaseUnavailable } from '../../src/store/unavailable';

const { MongoServerError, MongoWriteConcernError, MongoNetworkError } = mongoose.mongo;

/** Which driver failures answer as an outage (503 `unavailable`, "not known to be done"; 500 to a webhook). */
describe('a failure of the database that answers as unavailable', () => {
  it.each([
    ['NotWritablePrimary (a step-down)', 10107],
    ['InterruptedDueToReplStateChange', 11602],
    ['PrimarySteppedDown', 189],
    ['ShutdownInProgress', 91],
    ['InterruptedAtShutdown', 11600],
    ['NotPrimaryNoSecondaryOk', 13435],
    ['NotPrimaryOrSecondary', 13436],
    ['WriteConcernFailed (wtimeoutMS ran out)', 64],
    ['HostUnreachable', 6],
    ['NetworkTimeout', 89],
  ])('when the server answers %s (%i), then it is unavailable', (_name, code) => {
    expect(isDatabaseUnavailable(new MongoServerError({ code, errmsg: 'from the server' }))).toBe(true);
  });

  it('when a write carries the RetryableWriteError label (whatever its code), then it is unavailable', () => {
    expect(isDatabaseUnavailable(new MongoServerError({ code: 1234567, errmsg: 'x', errorLabels: ['RetryableWriteError'] }))).toBe(true);
  });

  it('when a write was applied but its write concern failed (acknowledgement lost), then it is unavailable', () => {
    const error = new MongoWriteConcernError({ ok: 1, n: 1, writeConcernError: { code: 100, errmsg: 'Not enough data-bearing nodes' } });
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('when the connection breaks, then it is unavailable', () => {
    expect(isDatabaseUnavailable(new MongoNetworkError('connection 4 to 127.0.0.1:27017 closed'))).toBe(true);
  });

  it.each([
    ['a duplicate key', 11000],
    ['a bad value', 2],
    ['a document too large', 10334],
    ['an update it cannot parse', 9],
  ])('when the server refuses %s, then it is not (the request, not the database, is wrong)', (_name, code) => {
    expect(isDatabaseUnavailable(new MongoServerError({ code, errmsg: 'refused' }))).toBe(false);
  });

  it('when the error is not the driver\'s, then it is not', () => {
    expect(isDatabaseUnavailable(new Error('simulated crash'))).toBe(false);
  });
});
