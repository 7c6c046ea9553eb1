/**
 * The load engine's throughput against autocannon, the yardstick: the same
 * trivial node:http server on 127.0.0.1, connections 10 and 100, the two tools
 * alternating, median of the rounds, generator pinned to core 0 and server to
 * core 1 with taskset. fxbench runs its closed model (N users = N connections)
 * through the whole engine: runner, http driver (lean HTTP/1.1 client), sample,
 * recorder with per-second timeline. Prints req/s, CPU ms per 1,000 requests and
 * the ratios fxbench / autocannon.
 *   Goal: ratio ≥ 1.0 req/s at no more CPU per request; below 0.8 is a defect.
 * nginx (Debian's nginx-light: `apt-get install nginx-light`) is a second target
 * when installed: it answers faster than node:http, so the generator, not the
 * server, is the bottleneck there. It runs unprivileged in the foreground from a
 * temporary prefix, pinned to core 1, and is stopped by its PID.
 *
 * Environment: BENCH_QUICK=1 (2 s runs, 1 round), BENCH_LOAD_SECONDS, BENCH_LOAD_ROUNDS.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../test/helpers/servers.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const QUICK = process.env.BENCH_QUICK === '1';
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? (QUICK ? 2 : 5));
const ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? (QUICK ? 1 : 3));
const CONNECTIONS = [10, 100];

interface Run {
  requests: number;
  seconds: number;
  rps: number;
  cpuMs: number;
  errors: number;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return true;
  } catch {
    return false;
  }
}

function runChild(tool: string, url: string, connections: number, pin: boolean, seconds = SECONDS): Promise<Run> {
  const args = [
    '--import',
    'tsx',
    path.join(ROOT, 'bench/load-child.ts'),
    tool,
    url,
    String(connections),
    String(seconds),
  ];
  const child = pin
    ? spawn('taskset', ['-c', '0', process.execPath, ...args], { cwd: ROOT })
    : spawn(process.execPath, args, { cwd: ROOT });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 60) * 1000);
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`${tool} run failed (${code}): ${err || out}`));
      resolve(JSON.parse(line) as Run);
    }),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs the comparison; resolves true when every ratio meets the goal. */
export async function benchLoad(): Promise<boolean> {
  const pin = hasTaskset();
  const server = await startServer('trivial', [], pin ? { cpu: 1 } : {});
  const targets: [string, string][] = [['node:http', server.url]];
  const nginx = hasBinary('nginx') ? await startNginx(pin) : null;
  if (nginx) targets.push(['nginx', nginx.url]);
  process.stdout.write(
    `\n## load engine vs autocannon (${SECONDS} s runs, ${ROUNDS} round${ROUNDS > 1 ? 's' : ''}, median; ${pin ? 'generator on core 0, server on core 1' : 'NOT pinned: taskset missing'})\n`,
  );
  if (!hasBinary('nginx')) process.stdout.write('nginx: not installed here; node:http only\n');
  let ok = true;
  const rows: string[][] = [];
  try {
    for (const [name, url] of targets) {
      // A fresh server is slow until V8 has compiled its hot path: warm it with both tools first, unmeasured.
      for (const tool of ['autocannon', 'fxbench']) await runChild(tool, url, 10, pin, 1);
      for (const c of CONNECTIONS) {
        const runs: Record<string, Run[]> = { fxbench: [], autocannon: [] };
        for (let round = 0; round < ROUNDS; round++) {
          // Alternate which tool goes first, so drift of the shared machine hits both alike.
          const order = round % 2 ? ['autocannon', 'fxbench'] : ['fxbench', 'autocannon'];
          for (const tool of order) runs[tool]!.push(await runChild(tool, url, c, pin));
        }
        const fx = {
          rps: median(runs.fxbench!.map((r) => r.rps)),
          cpu: median(runs.fxbench!.map((r) => (r.cpuMs / r.requests) * 1000)),
        };
        const ac = {
          rps: median(runs.autocannon!.map((r) => r.rps)),
          cpu: median(runs.autocannon!.map((r) => (r.cpuMs / r.requests) * 1000)),
        };
        const ratio = fx.rps / ac.rps;
        const cpuRatio = fx.cpu / ac.cpu;
        const errors = runs.fxbench!.reduce((a, r) => a + r.errors, 0);
        if (ratio < 0.8 || errors) ok = false;
        rows.push([
          name,
          String(c),
          fx.rps.toFixed(0),
          ac.rps.toFixed(0),
          ratio.toFixed(2),
          fx.cpu.toFixed(2),
          ac.cpu.toFixed(2),
          cpuRatio.toFixed(2),
          ratio >= 1 && cpuRatio <= 1 ? 'goal met' : ratio >= 0.8 ? 'below goal' : 'DEFECT (< 0.8)',
        ]);
      }
    }
  } finally {
    server.stop();
    nginx?.stop();
  }
  const header = [
    'target',
    'conns',
    'fxbench req/s',
    'autocannon req/s',
    'ratio',
    'fxbench cpu ms/1k',
    'autocannon cpu ms/1k',
    'cpu ratio',
    'verdict',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, ...rows])
    process.stdout.write(`${r.map((x, i) => (i < 1 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ')}\n`);
  return ok;
}

/** A free port on 127.0.0.1 (bound and released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** nginx answering `{}` on 127.0.0.1, one worker, foreground, temp paths under its own prefix. */
async function startNginx(pin: boolean): Promise<{ url: string; stop(): void } | null> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fxbench-nginx-'));
  const port = await freePort();
  const conf = `worker_processes 1;
error_log ${dir}/error.log;
pid ${dir}/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:${port}; location / { default_type application/json; return 200 '{}'; } }
}
`;
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const args = ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off; master_process off;'];
  const child: ChildProcess = pin
    ? spawn('taskset', ['-c', '1', 'nginx', ...args], { stdio: 'ignore' })
    : spawn('nginx', args, { stdio: 'ignore' });
  const stop = () => {
    if (child.pid) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready once it accepts a connection (bounded: 5 s).
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) return { url: `http://127.0.0.1:${port}`, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  process.stdout.write('nginx: did not start; node:http only\n');
  stop();
  return null;
}

function hasBinary(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await benchLoad()) ? 0 : 1;
