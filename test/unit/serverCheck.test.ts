import { durableWrites } from '../../src/store/connection';
import { unsupportedConnectionReason, unsupportedServerReason } from '../../src/store/serverCheck';

describe('which servers the store runs on', () => {
  test.each([
    ['MongoDB 8', { version: '8.0.4' }],
    ['MongoDB 6', { version: '6.0.19' }],
    ['SecantusDB', { version: '8.2.11', secantusVersion: '0.7.0b3' }],
  ])('when the server is %s, then it is accepted', (_name, buildInfo) => {
    expect(unsupportedServerReason(buildInfo)).toBeNull();
  });

  test.each([
    ['FerretDB v1', { version: '7.0.42', ferretdbVersion: 'v1.24.2' }, /FerretDB v1\.24\.2 is not supported: its conditional updates are not atomic/],
    ['a FerretDB that does not say which', { version: '7.0.42', ferretdbVersion: 'unknown' }, /FerretDB unknown is not supported/],
    ['MongoDB 5', { version: '5.0.30' }, /MongoDB 5\.0\.30 is not supported: MongoDB 6 or newer is required/],
    ['a server with no version', {}, /did not report a MongoDB version/],
  ])('when the server is %s, then start-up is refused with the reason', (_name, buildInfo, reason) => {
    expect(unsupportedServerReason(buildInfo)).toMatch(reason);
  });
});

describe('how durable an acknowledged write is', () => {
  test.each([
    ['mongodb://127.0.0.1:27017/credits', { writeConcern: { w: 'majority', journal: true, wtimeoutMS: 4000 } }],
    ['mongodb+srv://user:pw@cluster.example.net/credits?retryWrites=true', { writeConcern: { w: 'majority', journal: true, wtimeoutMS: 4000 } }],
    ['mongodb://127.0.0.1:27017/credits?w=majority&wtimeoutMS=9000', {}],
    ['mongodb://127.0.0.1:27017/credits?w=1', {}],
    ['mongodb://127.0.0.1:27017/credits?journal=false', {}],
  ])('when the connection string is %s, then the write concern is %j', (uri, expected) => {
    expect(durableWrites(uri)).toEqual(expected);
  });
});

describe('which reads a connection string may ask for', () => {
  test.each([
    ['mongodb://127.0.0.1:27017/credits'],
    ['mongodb://a:27017,b:27017/credits?replicaSet=rs0&readPreference=primary'],
    ['mongodb+srv://user:pw@cluster.example.net/credits?retryWrites=true&w=majority&appName=credits'],
  ])('when it is %s, then it is accepted', (uri) => {
    expect(unsupportedConnectionReason(uri)).toBeNull();
  });

  test.each([
    ['mongodb://a:27017,b:27017/credits?replicaSet=rs0&readPreference=secondaryPreferred', 'secondaryPreferred'],
    ['mongodb+srv://user:pw@cluster.example.net/credits?ReadPreference=nearest', 'nearest'],
    ['mongodb://a:27017/credits?readPreference=primaryPreferred', 'primaryPreferred'],
  ])('when it is %s, then start-up is refused naming MONGODB_URI and the preference', (uri, preference) => {
    expect(unsupportedConnectionReason(uri)).toMatch(new RegExp(`^MONGODB_URI asks for readPreference=${preference}: this service reads and writes on the primary only`));
  });
});
