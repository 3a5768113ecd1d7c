/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/client/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  globalSetup: '<rootDir>/test/setup/globalSetup.ts',
  globalTeardown: '<rootDir>/test/setup/globalTeardown.ts',
  // The shard-key contract: any command a MongoDB 6.0 mongos would refuse fails the test that sent it.
  setupFilesAfterEnv: ['<rootDir>/test/setup/shardKeyContract.ts'],
  maxWorkers: 2,
  testTimeout: 30000,
};
