import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PeerProcess {
  stop(): Promise<void>;
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the reason once the process has ended, by itself or by stop(). */
  exited: Promise<string>;
}

export interface SpawnPeerOptions {
  name: string;
  command: string;
  args: string[];
  /** The peer counts as started once this loopback port accepts connections. */
  port: number;
  timeoutMs?: number;
}

const TAIL_CHARS = 4000;
const STOP_GRACE_MS = 5000;

/** Starts a long-running helper process and resolves once it accepts TCP connections. */
export async function spawnPeer(options: SpawnPeerOptions): Promise<PeerProcess> {
  const { name, command, args, port, timeoutMs = 30_000 } = options;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });

  // Output is drained continuously (a full pipe would stall the child) and only its tail is kept,
  // to explain failures without flooding the caller's logs.
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_CHARS);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  let exitReason: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (err) => {
      exitReason ??= `could not be started: ${err.message}`;
      resolve();
    });
    child.once('exit', (code, signal) => {
      exitReason ??= `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
  });

  // Never leave an orphan behind if our own process ends without calling stop().
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (exitReason === undefined) {
      // A peer a test paused (SIGSTOP) would sit on SIGTERM until the grace period ran out.
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      // An unref'd timer, so that a prompt exit does not leave the grace period holding our process open.
      const grace = sleep(STOP_GRACE_MS, false, { ref: false });
      const stopped = await Promise.race([exited.then(() => true), grace]);
      if (!stopped) child.kill('SIGKILL');
    }
    await exited;
  };

  const failure = (what: string): Error =>
    new Error(`${name} ${what} (${command} ${args.join(' ')})\n--- last output ---\n${tail.trim() || '(none)'}`);

  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const listening = await accepts(port);
    // Checked even when the port answers: if the child died (say, the port was taken by someone
    // else in the meantime), whatever is listening there is not our peer.
    if (exitReason !== undefined) {
      await stop();
      throw failure(`${exitReason} before listening on 127.0.0.1:${port}`);
    }
    if (listening) return { stop, signal: (sig) => void child.kill(sig), exited: exited.then(() => failure(exitReason ?? 'exited').message) };
    if (performance.now() > deadline) {
      await stop();
      throw failure(`did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    }
    await sleep(50);
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
