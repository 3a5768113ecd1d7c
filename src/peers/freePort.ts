import { createServer } from 'node:net';

/**
 * Asks the OS for a currently unused loopback TCP port. The port is released before returning,
 * so another process could in theory grab it first; the peers fail loudly in that case.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not read the allocated port'))));
    });
  });
}
