import { randomBytes } from 'node:crypto';

/**
 * A connection string for a database of its own (t_<random>), so test files running in
 * parallel never see each other's data. Handles multi-host URIs and keeps query options.
 */
export function testMongoUri(): string {
  const base = required('MONGODB_URI');
  const queryStart = base.indexOf('?');
  const head = queryStart < 0 ? base : base.slice(0, queryStart);
  const query = queryStart < 0 ? '' : base.slice(queryStart + 1);
  const pathStart = head.indexOf('/', head.indexOf('://') + 3);
  const hosts = pathStart < 0 ? head : head.slice(0, pathStart);
  const originalDb = pathStart < 0 ? '' : head.slice(pathStart + 1);

  const params = new URLSearchParams(query);
  // Credentials are checked against the database named in the URI unless authSource says
  // otherwise; replacing that database must not silently change where users are looked up.
  if (originalDb && hosts.includes('@') && !params.has('authSource')) params.set('authSource', originalDb);
  const options = params.toString();
  return `${hosts}/t_${randomBytes(6).toString('hex')}${options ? `?${options}` : ''}`;
}

/** Base URL of stripe-mock, without a trailing slash, e.g. http://127.0.0.1:12111. */
export function stripeMockUrl(): string {
  return required('STRIPE_MOCK_URL').replace(/\/+$/, '');
}

function required(name: 'MONGODB_URI' | 'STRIPE_MOCK_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests through jest, whose globalSetup starts the peers`);
  return value;
}
