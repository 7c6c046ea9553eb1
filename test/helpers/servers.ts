/**
 * Starts the engine's test servers (fixtures/servers/server.mjs) in their own
 * processes on 127.0.0.1 port 0, and stops them by PID.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './cli.ts';

/** A running test server. */
export interface TestServer {
  url: string;
  pid: number;
  stop(): void;
}

/** Starts `server.mjs <mode> ...args` and resolves once it listens (5 s at most). */
export function startServer(
  mode: string,
  args: (string | number)[] = [],
  opts: { cpu?: number } = {},
): Promise<TestServer> {
  const script = path.join(ROOT, 'test/fixtures/servers/server.mjs');
  const argv = [script, mode, ...args.map(String)];
  const child =
    opts.cpu === undefined
      ? spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] })
      : spawn('taskset', ['-c', String(opts.cpu), process.execPath, ...argv], {
          stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
        });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`test server ${mode} did not start in 5 s`));
    }, 5000);
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /\{"port":(\d+)\}/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const pid = child.pid!;
      resolve({ url: `http://127.0.0.1:${m[1]}`, pid, stop: () => void child.kill('SIGKILL') });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`test server ${mode} exited (${code}) before listening`));
    });
  });
}
