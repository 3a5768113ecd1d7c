import { stopTestPeers } from './globalSetup';

export default async function globalTeardown(): Promise<void> {
  await stopTestPeers();
}
