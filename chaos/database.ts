/**
 * The suite's SecantusDB: a real server process on a temp storage directory, which the frozen-database
 * experiment pauses (SIGSTOP), resumes (SIGCONT), kills (SIGKILL) and starts again on the same port and
 * storage, as a database host that hangs or reboots would.
 */
import type { RunningMongo } from '../src/peers/secantus';
import { startSecantus } from '../src/peers/secantus';
import { freePort } from '../src/peers/freePort';

export class ChaosDatabase {
  private constructor(
    private running: RunningMongo,
    private readonly storagePath: string,
    private readonly port: number,
    private readonly bin: string,
  ) {}

  static async start(input: { storagePath: string; bin: string }): Promise<ChaosDatabase> {
    const port = await freePort();
    const running = await startSecantus({ storagePath: input.storagePath, port, bin: input.bin });
    return new ChaosDatabase(running, input.storagePath, port, input.bin);
  }

  /** The server's URI with a database name: each experiment works in a database of its own. */
  uri(database: string): string {
    return `${this.running.uri}/${database}`;
  }

  freeze(): void {
    this.running.signal('SIGSTOP');
  }

  thaw(): void {
    this.running.signal('SIGCONT');
  }

  /** SIGKILL: WiredTiger recovers from its journal when the server starts again. */
  async kill(): Promise<void> {
    this.running.signal('SIGKILL');
    await this.running.stop();
  }

  /** Starts the server again on the same port and storage; resolves once it answers ping. */
  async restart(): Promise<void> {
    this.running = await startSecantus({ storagePath: this.storagePath, port: this.port, bin: this.bin });
  }

  async stop(): Promise<void> {
    await this.running.stop();
  }
}
