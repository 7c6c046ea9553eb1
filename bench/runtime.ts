/**
 * What the local runtime costs on top of the function itself, same machine,
 * same run, printed as a table of figures and ratios (`npm run bench:runtime`).
 *
 * Warm invocation overhead: the `hello` handler behind `fxbench serve` (Lambda
 * Invoke API path → runtime → Runtime API (in frames on a Unix socket, since
 * 2026-12-01) → fxbench's bootstrap → handler) vs
 * the same handler behind a plain node:http server. Both servers are separate
 * processes; the client is this process. Latency: one connection, sequential
 * requests, microseconds from our own clock (autocannon reports whole ms).
 * Throughput: autocannon, 10 connections, alternating runs, medians.
 *   Goals: < 0.3 ms added at p50; runtime throughput ≥ plain / 1.5; CPU per
 *   request within 1.25× the floor's (issue 20), judged on the median of the
 *   rounds' own ratios (the floor's run and the runtime's are adjacent in each
 *   round): one server's CPU per request moved ±15 % between runs of the same
 *   build as the machine's other load came and went, more than any cut.
 * Large payloads: a 5 MB event and its 5 MB answer, one connection, 3
 * alternating rounds, medians. Goal: ≤ 2× plain (a body copied once per read
 * was 5×).
 * Also reported: the same throughput through a bare forwarder to 10 worker
 * processes (floorServer: over loopback TCP, and again over Unix sockets as the
 * runtime reaches its own bootstrap), i.e. what process isolation alone costs here; the
 * least server that speaks the Invoke API and the HTTP Runtime API (what every
 * custom runtime needs) to 10 processes running fxbench's bootstrap
 * (PROTOCOL_FLOOR_SERVER), i.e. what that protocol costs; and
 * each server's CPU per request (its process tree's user + system time from
 * /proc over the run), steadier than req/s when other tenants share the cores.
 *
 * Cold start overhead: a runtime cold start of `hello` (client latency after
 * draining) vs a bare `node -e` that imports the same module and calls the
 * handler once (spawn until its answer is printed). Alternating, medians.
 *   Goal: < 15 ms added at the median.
 *
 * The runtime as a platform (benchPlatform, a second table): the runtime in its
 * own process as `fxbench run` starts it. CPU per cold start in the runtime
 * process (its own utime + stime from /proc, children excluded) against the
 * same cold starts with the runtime inside this process (process.cpuUsage), the
 * old design. Then real `fxbench run`s: burst 100 and burst 300 (maxInstances
 * 300), two rounds, arrival spread and cold counts per round; the steady
 * scenario's open model at 50/s from cold (late sends while instances spawn),
 * and again with a function whose init burns 700 ms of CPU (boots saturate
 * both cores whatever the day's machine); and an open model at 4/s with --workers 1 and 2 (one shared runtime: the
 * same instances started, counted as cold starts).
 *
 * Environment: BENCH_QUICK=1 for a short run (CI smoke: bursts of 20 and 40).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { checkFunction } from '../src/runtime/function-spec.ts';
import { LocalRuntime } from '../src/runtime/runtime.ts';
import { startRuntimeProcess } from '../src/runtime/server-process.ts';
import type { Result } from '../src/model/result.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const HELLO = path.join(ROOT, 'functions/hello/index.mjs');
const QUICK = process.env.BENCH_QUICK === '1';
const LATENCY_REQUESTS = QUICK ? 1000 : 5000;
const THROUGHPUT_SECONDS = QUICK ? 2 : 5;
const THROUGHPUT_ROUNDS = QUICK ? 1 : 5;
const COLD_STARTS = QUICK ? 7 : 21;
/** Runs of the steady example (open model at 50/s from cold) for its late sends. */
const STEADY_RUNS = 3;
/** CPU each cold start burns in the overload runs (heavy-init function), ms; 200 in the quick CI smoke run. */
const HEAVY_INIT_MS = QUICK ? 200 : 700;
const BODY = '{"name":"bench"}';

/** A plain node:http server calling the same handler: the yardstick. */
const PLAIN_SERVER = `
import http from 'node:http';
const { handler } = await import(${JSON.stringify(`file://${HELLO}`)});
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const event = JSON.parse(Buffer.concat(chunks).toString() || '{}');
    const body = JSON.stringify(await handler(event, {}));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 65000;
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

/**
 * The floor of any design that runs the handler in processes of its own, as the
 * issue requires (one OS process per instance): a front process with the least
 * HTTP parsing that works for this benchmark, forwarding each request as a
 * length-prefixed frame over loopback TCP to one of 10 worker processes that run
 * the same handler. No Lambda framing, no accounting, no limits. What the runtime
 * costs beyond this is the runtime's own; what this costs beyond the plain
 * server is the price of process isolation on this machine. Workers exit when
 * the front's pipe to them closes, and the front ends them on SIGTERM.
 */
const floorServer = (unix: boolean): string => `
import net from 'node:net';
// Workers reach the front over loopback TCP, or (UNIX) an abstract Unix socket, as the runtime's
// own bootstrap does since 2026-12-01 (lambda-instance.ts).
const UNIX = ${unix};
const NUL = String.fromCharCode(0);
import { spawn } from 'node:child_process';
const WORKER = \`
const net = require('node:net');
import(${JSON.stringify(`file://${HELLO}`)}).then(({ handler }) => {
  process.stdin.on('end', () => process.exit(0)).resume();
  const s = process.env.SOCK ? net.connect({ path: String.fromCharCode(0) + process.env.SOCK }) : net.connect(Number(process.env.PORT), '127.0.0.1');
  s.setNoDelay(true);
  let buf = Buffer.alloc(0);
  s.on('data', async (c) => {
    buf = buf.length ? Buffer.concat([buf, c]) : c;
    while (buf.length >= 4) {
      const n = buf.readUInt32LE(0);
      if (buf.length < 4 + n) return;
      const event = JSON.parse(buf.toString('utf8', 4, 4 + n) || '{}');
      buf = buf.subarray(4 + n);
      const out = Buffer.from(JSON.stringify(await handler(event, {})));
      const h = Buffer.alloc(4);
      h.writeUInt32LE(out.length);
      s.write(Buffer.concat([h, out]));
    }
  });
});
\`;
const idle = [];
const waiting = [];
const release = (w) => { const f = waiting.shift(); if (f) f(w); else idle.push(w); };
const back = net.createServer((s) => {
  s.setNoDelay(true);
  const w = { s, done: null, buf: Buffer.alloc(0) };
  s.on('data', (c) => {
    w.buf = w.buf.length ? Buffer.concat([w.buf, c]) : c;
    while (w.buf.length >= 4) {
      const n = w.buf.readUInt32LE(0);
      if (w.buf.length < 4 + n) return;
      const body = w.buf.subarray(4, 4 + n);
      w.buf = w.buf.subarray(4 + n);
      const done = w.done;
      w.done = null;
      release(w);
      done(body);
    }
  });
  release(w);
});
const workers = [];
process.on('SIGTERM', () => { for (const c of workers) c.kill('SIGKILL'); process.exit(0); });
const SOCK = 'fxbench-floor-' + process.pid;
const listening = () => {
  const env = UNIX ? { SOCK } : { PORT: String(back.address().port) };
  for (let i = 0; i < 10; i++) workers.push(spawn(process.execPath, ['-e', WORKER], { env, stdio: ['pipe', 'inherit', 'inherit'] }));
  const front = net.createServer((sock) => {
    sock.setNoDelay(true);
    sock.on('error', () => sock.destroy());
    let buf = Buffer.alloc(0);
    sock.on('data', (c) => {
      buf = buf.length ? Buffer.concat([buf, c]) : c;
      for (;;) {
        const end = buf.indexOf('\\r\\n\\r\\n');
        if (end < 0) return;
        const m = /content-length: *(\\d+)/i.exec(buf.toString('latin1', 0, end));
        const len = m ? Number(m[1]) : 0;
        if (buf.length < end + 4 + len) return;
        const payload = buf.subarray(end + 4, end + 4 + len);
        buf = buf.subarray(end + 4 + len);
        const go = (w) => {
          w.done = (body) => sock.write(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\ncontent-length: ' + body.length + '\\r\\n\\r\\n'), body]));
          const h = Buffer.alloc(4);
          h.writeUInt32LE(payload.length);
          w.s.write(Buffer.concat([h, payload]));
        };
        const w = idle.pop();
        if (w) go(w); else waiting.push(go);
      }
    });
  });
  front.listen(0, '127.0.0.1', () => {
    // Ready once every worker has connected.
    const check = setInterval(() => { if (idle.length === 10) { clearInterval(check); console.log('listening on http://127.0.0.1:' + front.address().port); } }, 20);
  });
};
if (UNIX) back.listen(NUL + SOCK, listening);
else back.listen(0, '127.0.0.1', listening);
`;

/**
 * The protocol floor: the least front that speaks what the runtime must speak —
 * the Lambda Invoke API to clients, the Lambda Runtime API (HTTP/1.1, one socket
 * per instance) to 10 processes running fxbench's own bootstrap
 * (src/runtime/bootstrap.mjs, the code the runtime's node instances run) with the
 * same handler. No accounting, no limits, no timeouts, no fxbench headers, one
 * regular expression for Content-Length. The Runtime API goes over abstract Unix
 * sockets, as the runtime serves it to its own bootstrap (since 2026-12-01; TCP
 * before). Between floorServer over Unix sockets and this lies what the Runtime
 * API's HTTP costs on both of its sides (a /next answer, a POST and a 202 per
 * invocation instead of two frames). Since 2026-12-01 the runtime gives its own
 * bootstrap the Runtime API in frames (src/runtime/runtime-frames.ts), not HTTP:
 * between this and the runtime lies the runtime's own work less what the frames
 * save, so "runtime / protocol floor" may fall below 1. Custom runtimes (a
 * `bootstrap`, aws-lambda-ric) still pay this floor's HTTP. Instances exit when
 * the front's Runtime API sockets close.
 */
const PROTOCOL_FLOOR_SERVER = `
import net from 'node:net';
import { spawn } from 'node:child_process';
const BOOTSTRAP = ${JSON.stringify(path.join(ROOT, 'src/runtime/bootstrap.mjs'))};
const TASK_ROOT = ${JSON.stringify(path.dirname(HELLO))};
const ARN = 'arn:aws:lambda:local:000000000000:function:hello';
// A trace id of its own per invocation, as Lambda's (the bootstrap puts it in process.env: ~1.5 µs each, measured).
const TRACE = 'Root=1-6b0eb17b-' + 'f'.repeat(16);
const idle = [];
const queue = [];
let seq = 0;
const lengthOf = (head) => { const m = /content-length: *(\\d+)/i.exec(head); return m ? Number(m[1]) : 0; };
function deliver(rt, inv) {
  rt.inv = inv;
  // The 202 to the last answer leaves with this event, in one write (as the runtime's coalesced 202 does).
  const head = rt.accepted + 'HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\ncontent-length: ' + inv.payload.length +
    '\\r\\nlambda-runtime-aws-request-id: ' + (seq++).toString(16) + '\\r\\nlambda-runtime-deadline-ms: ' + (Date.now() + 3000) +
    '\\r\\nlambda-runtime-invoked-function-arn: ' + ARN + '\\r\\nlambda-runtime-trace-id: ' + TRACE + String(seq).padStart(8, '0') + ';Sampled=0\\r\\n\\r\\n';
  rt.accepted = '';
  rt.sock.write(Buffer.concat([Buffer.from(head, 'latin1'), inv.payload]));
}
function runtimeApi() {
  const srv = net.createServer((sock) => {
    sock.setNoDelay(true);
    sock.on('error', () => sock.destroy());
    const rt = { sock, inv: null, accepted: '' };
    let buf = Buffer.alloc(0);
    sock.on('data', (c) => {
      buf = buf.length ? Buffer.concat([buf, c]) : c;
      for (;;) {
        const end = buf.indexOf('\\r\\n\\r\\n');
        if (end < 0) break;
        const head = buf.toString('latin1', 0, end);
        const len = lengthOf(head);
        if (buf.length < end + 4 + len) break;
        const body = buf.subarray(end + 4, end + 4 + len);
        buf = buf.subarray(end + 4 + len);
        if (head.startsWith('GET')) {
          const inv = queue.shift();
          if (inv) deliver(rt, inv); else idle.push(rt);
        } else {
          // fxbench's bootstrap pipelines its next poll behind the answer: the 202 waits for the next event.
          rt.accepted += 'HTTP/1.1 202 Accepted\\r\\ncontent-type: application/json\\r\\ncontent-length: 15\\r\\n\\r\\n{"status":"OK"}';
          const inv = rt.inv;
          rt.inv = null;
          inv.done(body);
        }
      }
    });
  });
  // On an abstract Unix socket, as the runtime serves fxbench's own bootstrap (the bootstrap connects
  // there when FXBENCH_RUNTIME_API_ABSTRACT names it; AWS_LAMBDA_RUNTIME_API then only names the Host).
  const name = 'fxbench-protocol-' + process.pid + '-' + sockets++;
  return new Promise((resolve) => srv.listen(String.fromCharCode(0) + name, () => resolve(name)));
}
let sockets = 0;
const instances = [];
process.on('SIGTERM', () => { for (const c of instances) c.kill('SIGKILL'); process.exit(0); });
for (let i = 0; i < 10; i++) {
  const socket = await runtimeApi();
  instances.push(spawn(process.execPath, ['--max-heap-size=128', BOOTSTRAP], {
    env: { PATH: process.env.PATH, AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', FXBENCH_RUNTIME_API_ABSTRACT: socket, _HANDLER: 'index.handler',
      LAMBDA_TASK_ROOT: TASK_ROOT, AWS_LAMBDA_FUNCTION_NAME: 'hello', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128' },
    stdio: ['ignore', 'inherit', 'inherit'],
  }));
}
const front = net.createServer((sock) => {
  sock.setNoDelay(true);
  sock.on('error', () => sock.destroy());
  let buf = Buffer.alloc(0);
  const answer = (body) => sock.write(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\nx-amz-executed-version: $LATEST\\r\\ncontent-length: ' + body.length + '\\r\\n\\r\\n', 'latin1'), body]));
  sock.on('data', (c) => {
    buf = buf.length ? Buffer.concat([buf, c]) : c;
    for (;;) {
      const end = buf.indexOf('\\r\\n\\r\\n');
      if (end < 0) return;
      const len = lengthOf(buf.toString('latin1', 0, end));
      if (buf.length < end + 4 + len) return;
      const inv = { payload: buf.subarray(end + 4, end + 4 + len), done: answer };
      buf = buf.subarray(end + 4 + len);
      const rt = idle.pop();
      if (rt) deliver(rt, inv); else queue.push(inv);
    }
  });
});
front.listen(0, '127.0.0.1', () => {
  // Ready once every instance has polled.
  const check = setInterval(() => { if (idle.length === 10) { clearInterval(check); console.log('listening on http://127.0.0.1:' + front.address().port); } }, 20);
});
`;

/** Starts a child process and resolves its URL once it prints `listening on <url>`. */
function startServer(cmd: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start`)), 30_000);
    child.stdout!.on('data', (c) => {
      out += c;
      const m = /listening on (http:\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** Sequential requests on one kept-alive connection; latencies in µs. */
async function sequentialLatencyUs(url: string, path: string, n: number, body = BODY, warm = 200): Promise<number[]> {
  const pool = new Pool(url, { connections: 1, pipelining: 1 });
  const out: number[] = [];
  try {
    for (let i = 0; i < n + warm; i++) {
      const t0 = process.hrtime.bigint();
      const res = await pool.request({
        method: 'POST',
        path,
        body,
        headers: { 'content-type': 'application/json' },
      });
      await res.body.arrayBuffer();
      const us = Number(process.hrtime.bigint() - t0) / 1000;
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode} from ${url}${path}`);
      if (i >= warm) out.push(us); // the first `warm` warm the connection, JIT and instance
    }
  } finally {
    await pool.close();
  }
  return out;
}

/** CPU seconds (user + system) used so far by `pid` and every live descendant, from /proc. */
function treeCpuSeconds(pid: number): number {
  let total = 0;
  const walk = (p: number) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
      for (const c of readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').split(' ').filter(Boolean)) walk(Number(c));
    } catch {
      /* exited meanwhile */
    }
  };
  walk(pid);
  return total;
}
/** USER_HZ: Linux reports process times in 1/100 s on every architecture Node runs on. */
const CLOCK_TICKS = 100;

/** Requests per second, and the server side's CPU per request (its process and its children: instances, workers), µs. */
async function throughputRps(
  url: string,
  path: string,
  seconds: number,
  serverPid?: number,
): Promise<{ rps: number; cpuUs: number }> {
  const cpu0 = serverPid ? treeCpuSeconds(serverPid) : 0;
  const r = await autocannon({
    url: url + path,
    method: 'POST',
    body: BODY,
    headers: { 'content-type': 'application/json' },
    connections: 10,
    duration: seconds,
  });
  const cpu = serverPid ? treeCpuSeconds(serverPid) - cpu0 : 0;
  if (r.non2xx || r.errors) throw new Error(`${url}${path}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, cpuUs: (cpu * 1e6) / r.requests.total };
}

/**
 * The bare process gets the same minimal environment as a runtime instance: an
 * inherited NODE_EXTRA_CA_CERTS alone adds ~50 ms to a Node start (measured).
 */
const INSTANCE_LIKE_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: process.env.LANG ?? 'C.UTF-8', TZ: 'UTC' };

/** Spawn to printed answer of a bare `node` importing the hello module and calling it once, ms. */
function bareNodeColdMs(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { handler } = await import(${JSON.stringify(`file://${HELLO}`)}); console.log(JSON.stringify(await handler({ name: 'bench' }, {})));`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: INSTANCE_LIKE_ENV },
    );
    child.stdout!.once('data', () => {
      resolve(Number(process.hrtime.bigint() - t0) / 1e6);
      child.kill('SIGKILL');
    });
    child.on('error', reject);
  });
}

/** CPU time of the whole machine so far (busy, all), in clock ticks, from /proc/stat. */
function cpuTicks(): { busy: number; all: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const all = f.reduce((a, b) => a + b, 0);
  return { busy: all - f[3]! - f[4]!, all };
}

/**
 * Waits (at most `maxS` seconds) until the machine's CPUs were under 20% busy
 * over one second, and resolves to the share measured last (percent).
 */
async function settle(maxS: number): Promise<number> {
  let share = 100;
  for (let i = 0; i < maxS && share >= 20; i++) {
    const a = cpuTicks();
    await new Promise((r) => setTimeout(r, 1000));
    const b = cpuTicks();
    share = (100 * (b.busy - a.busy)) / Math.max(1, b.all - a.all);
  }
  return share;
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
const median = (v: number[]) => quantile(v, 0.5);

interface Row {
  metric: string;
  runtime: string;
  plain: string;
  added: string;
  ratio: string;
  goal: string;
  ok: boolean;
}

/** Runs the benchmark; returns whether every goal was met. */
export async function benchRuntime(
  log: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<boolean> {
  log(`\n## local runtime overhead${QUICK ? ' (quick)' : ''}\n`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fxbench-bench-'));
  const config = path.join(dir, 'bench.config.mjs');
  // Plain object (no import of 'fxbench'): the file lives outside the package.
  writeFileSync(
    config,
    `export default { functions: { hello: { kind: 'node', code: ${JSON.stringify(path.join(ROOT, 'functions/hello'))} } } };\n`,
  );
  const rows: Row[] = [];
  const plain = await startServer(process.execPath, ['--input-type=module', '-e', PLAIN_SERVER]);
  const floor = await startServer(process.execPath, ['--input-type=module', '-e', floorServer(false)]);
  const floorUnix = await startServer(process.execPath, ['--input-type=module', '-e', floorServer(true)]);
  const protocol = await startServer(process.execPath, ['--input-type=module', '-e', PROTOCOL_FLOOR_SERVER]);
  const served = await startServer(process.execPath, [
    path.join(ROOT, 'bin/fxbench.mjs'),
    'serve',
    '--port',
    '0',
    '--config',
    config,
  ]);
  const lambdaPath = '/2015-03-31/functions/hello/invocations';
  try {
    // Warm latency: alternate plain and runtime twice, keep the better median of each (less noise from other load).
    const p50s = { plain: [] as number[], runtime: [] as number[] };
    const p99s = { plain: [] as number[], runtime: [] as number[] };
    for (let round = 0; round < 2; round++) {
      const a = await sequentialLatencyUs(plain.url, '/', LATENCY_REQUESTS);
      const b = await sequentialLatencyUs(served.url, lambdaPath, LATENCY_REQUESTS);
      p50s.plain.push(median(a));
      p50s.runtime.push(median(b));
      p99s.plain.push(quantile(a, 0.99));
      p99s.runtime.push(quantile(b, 0.99));
    }
    const p50Plain = Math.min(...p50s.plain);
    const p50Runtime = Math.min(...p50s.runtime);
    const addedP50Ms = (p50Runtime - p50Plain) / 1000;
    rows.push({
      metric: 'warm p50 latency (1 conn)',
      runtime: `${(p50Runtime / 1000).toFixed(3)} ms`,
      plain: `${(p50Plain / 1000).toFixed(3)} ms`,
      added: `${addedP50Ms.toFixed(3)} ms`,
      ratio: `${(p50Runtime / p50Plain).toFixed(2)}×`,
      goal: '< 0.3 ms added',
      ok: addedP50Ms < 0.3,
    });
    const p99Plain = Math.min(...p99s.plain);
    const p99Runtime = Math.min(...p99s.runtime);
    rows.push({
      metric: 'warm p99 latency (1 conn)',
      runtime: `${(p99Runtime / 1000).toFixed(3)} ms`,
      plain: `${(p99Plain / 1000).toFixed(3)} ms`,
      added: `${((p99Runtime - p99Plain) / 1000).toFixed(3)} ms`,
      ratio: `${(p99Runtime / p99Plain).toFixed(2)}×`,
      goal: '(reported)',
      ok: true,
    });

    // Large payloads, near Lambda's 6 MB invoke limit: a 5 MB event whose 5 MB answer comes back
    // (hello echoes the name). Until 2026-12-01 the runtime joined every socket read of a body to
    // all before it (a 6 MB invocation: 204 ms against node:http's 41 ms, Node 20); ≤ 2× guards that.
    const big = { plain: [] as number[], runtime: [] as number[] };
    const bigBody = JSON.stringify({ name: 'x'.repeat(5_000_000) });
    for (let round = 0; round < 3; round++) {
      big.plain.push(...(await sequentialLatencyUs(plain.url, '/', QUICK ? 2 : 5, bigBody, 2)));
      big.runtime.push(...(await sequentialLatencyUs(served.url, lambdaPath, QUICK ? 2 : 5, bigBody, 2)));
    }
    const [bigPlain, bigRuntime] = [median(big.plain) / 1000, median(big.runtime) / 1000];
    rows.push({
      metric: '5 MB event and answer (1 conn)',
      runtime: `${bigRuntime.toFixed(1)} ms`,
      plain: `${bigPlain.toFixed(1)} ms`,
      added: `${(bigRuntime - bigPlain).toFixed(1)} ms`,
      ratio: `${(bigRuntime / bigPlain).toFixed(2)}×`,
      goal: '≤ 2× plain',
      ok: bigRuntime <= 2 * bigPlain,
    });

    // Throughput: autocannon, 10 connections (the runtime runs 10 instances, one invocation each, Lambda's model).
    // Each of the 10 instances (and floor workers) runs its code thousands of times first, so V8 has optimised it.
    const perServer = () => ({
      plain: [] as number[],
      runtime: [] as number[],
      floor: [] as number[],
      floorUnix: [] as number[],
      protocol: [] as number[],
    });
    const rps = perServer();
    const cpu = perServer();
    // Warm-up, the same for each server: 10 s (the runtime's first 10 s also start its 10 instances; their
    // code ran interpreted for seconds: 2026-12-01, 5 s runs after 2 s of load took 570, 273, 212 µs of
    // CPU per request, and a 3 s warm-up left the first measured round still warming).
    const WARMUP_S = QUICK ? 1 : 10;
    await throughputRps(served.url, lambdaPath, WARMUP_S); // also starts the 10 instances
    await throughputRps(floor.url, '/', WARMUP_S);
    await throughputRps(floorUnix.url, '/', WARMUP_S);
    await throughputRps(protocol.url, lambdaPath, WARMUP_S);
    await throughputRps(plain.url, '/', WARMUP_S);
    for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
      for (const [key, target, p] of [
        ['plain', plain, '/'],
        ['floor', floor, '/'],
        ['runtime', served, lambdaPath],
        ['floorUnix', floorUnix, '/'],
        ['protocol', protocol, lambdaPath],
      ] as const) {
        const r = await throughputRps(target.url, p, THROUGHPUT_SECONDS, target.child.pid);
        rps[key].push(r.rps);
        cpu[key].push(r.cpuUs);
      }
    }
    const rpsPlain = median(rps.plain);
    const rpsRuntime = median(rps.runtime);
    const rpsFloor = median(rps.floor);
    rows.push({
      metric: 'warm throughput (10 conns)',
      runtime: `${rpsRuntime.toFixed(0)} req/s`,
      plain: `${rpsPlain.toFixed(0)} req/s`,
      added: '',
      ratio: `plain/runtime ${(rpsPlain / rpsRuntime).toFixed(2)}×`,
      goal: '≤ 1.5×',
      ok: rpsPlain / rpsRuntime <= 1.5,
    });
    rows.push({
      metric: '  floor: bare forwarder to 10 processes',
      runtime: `${rpsFloor.toFixed(0)} req/s`,
      plain: `${rpsPlain.toFixed(0)} req/s`,
      added: '',
      ratio: `plain/floor ${(rpsPlain / rpsFloor).toFixed(2)}×`,
      goal: '(reported)',
      ok: true,
    });
    // CPU per request is steadier than req/s on a shared machine: it does not depend on what else gets the cores.
    const [cpuPlain, cpuFloor, cpuRuntime] = [median(cpu.plain), median(cpu.floor), median(cpu.runtime)];
    rows.push({
      metric: '  server CPU per request',
      runtime: `${cpuRuntime.toFixed(0)} µs`,
      plain: `${cpuPlain.toFixed(0)} µs`,
      added: `${(cpuRuntime - cpuPlain).toFixed(0)} µs`,
      ratio: `runtime/plain ${(cpuRuntime / cpuPlain).toFixed(2)}×`,
      goal: '(reported)',
      ok: true,
    });
    rows.push({
      metric: '  floor CPU per request',
      runtime: `${cpuFloor.toFixed(0)} µs`,
      plain: `${cpuPlain.toFixed(0)} µs`,
      added: `${(cpuFloor - cpuPlain).toFixed(0)} µs`,
      ratio: `floor/plain ${(cpuFloor / cpuPlain).toFixed(2)}×`,
      goal: '(reported)',
      ok: true,
    });
    rows.push({
      metric: '  runtime vs that floor',
      runtime: `${rpsRuntime.toFixed(0)} req/s`,
      plain: `${rpsFloor.toFixed(0)} req/s`,
      added: '',
      ratio: `floor/runtime ${(rpsFloor / rpsRuntime).toFixed(2)}×`,
      goal: '(reported)',
      ok: true,
    });
    // The same CPU split at the protocol: what the Runtime API's HTTP costs (custom runtimes pay it; the
    // runtime's own bootstrap gets frames), and the runtime against it.
    const cpuProtocol = median(cpu.protocol);
    rows.push({
      metric: '  CPU per request: runtime / floor',
      runtime: `${cpuRuntime.toFixed(0)} µs`,
      plain: `${cpuFloor.toFixed(0)} µs`,
      added: `${(cpuRuntime - cpuFloor).toFixed(0)} µs`,
      ratio: `${(cpuRuntime / cpuFloor).toFixed(2)}×`,
      goal: '(reported)',
      ok: true,
    });
    // Each round's runtime run right after its floor run: their ratio cancels what the machine's other
    // load did to both, which the medians above, taken apart, do not.
    const paired = cpu.runtime.map((c, i) => c / cpu.floor[i]!).sort((a, b) => a - b);
    const pairedMedian = median(paired);
    rows.push({
      metric: '  same, round by round',
      runtime: '',
      plain: '',
      added: '',
      ratio: `median ${pairedMedian.toFixed(2)}× (${paired[0]!.toFixed(2)}–${paired.at(-1)!.toFixed(2)}×, ${paired.length} rounds)`,
      goal: '≤ 1.25×',
      ok: pairedMedian <= 1.25,
    });
    // The runtime's own bootstrap reaches it over a Unix socket (since 2026-12-01); the floor above keeps
    // loopback TCP, as the issue defined it. The same floor over Unix sockets shows what that transport saves.
    const cpuFloorUnix = median(cpu.floorUnix);
    rows.push({
      metric: '  floor over Unix sockets / floor',
      runtime: `${cpuFloorUnix.toFixed(0)} µs`,
      plain: `${cpuFloor.toFixed(0)} µs`,
      added: `${(cpuFloorUnix - cpuFloor).toFixed(0)} µs`,
      ratio: `${(cpuFloorUnix / cpuFloor).toFixed(2)}× (runtime / it: ${(cpuRuntime / cpuFloorUnix).toFixed(2)}×)`,
      goal: '(reported)',
      ok: true,
    });
    rows.push({
      metric: '  protocol floor CPU / floor',
      runtime: `${cpuProtocol.toFixed(0)} µs`,
      plain: `${cpuFloor.toFixed(0)} µs`,
      added: `${(cpuProtocol - cpuFloor).toFixed(0)} µs`,
      ratio: `${(cpuProtocol / cpuFloor).toFixed(2)}× (${median(rps.protocol).toFixed(0)} req/s)`,
      goal: '(reported)',
      ok: true,
    });
    rows.push({
      metric: '  runtime CPU / protocol floor',
      runtime: `${cpuRuntime.toFixed(0)} µs`,
      plain: `${cpuProtocol.toFixed(0)} µs`,
      added: `${(cpuRuntime - cpuProtocol).toFixed(0)} µs`,
      ratio: `${(cpuRuntime / cpuProtocol).toFixed(2)}×`,
      goal: '(reported)',
      ok: true,
    });
  } finally {
    await Promise.all([
      stopServer(plain.child),
      stopServer(floor.child),
      stopServer(floorUnix.child),
      stopServer(protocol.child),
      stopServer(served.child),
    ]);
    rmSync(dir, { recursive: true, force: true });
  }

  // Cold starts: in-process runtime (the cold path is process start-up), alternating with bare node.
  const ctx = { file: 'bench', issues: [] };
  const spec = checkFunction('hello', { kind: 'node', code: 'functions/hello' }, 'functions.hello', ROOT, ctx)!;
  const rt = new LocalRuntime([spec]);
  await rt.start();
  const pool = new Pool(rt.url, { connections: 1 });
  const cold = { runtime: [] as number[], bare: [] as number[], init: [] as number[] };
  try {
    for (let i = 0; i < COLD_STARTS; i++) {
      cold.bare.push(await bareNodeColdMs());
      await rt.drain('hello');
      const t0 = process.hrtime.bigint();
      const res = await pool.request({ method: 'POST', path: '/2015-03-31/functions/hello/invocations', body: BODY });
      await res.body.arrayBuffer();
      cold.runtime.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (res.headers['x-fxbench-cold'] !== '1') throw new Error('expected a cold start');
      cold.init.push(Number(res.headers['x-fxbench-init-ms']));
    }
  } finally {
    await pool.close();
    await rt.stop();
  }
  const coldRuntime = median(cold.runtime);
  const coldBare = median(cold.bare);
  rows.push({
    metric: `cold start, median of ${COLD_STARTS}`,
    runtime: `${coldRuntime.toFixed(1)} ms`,
    plain: `${coldBare.toFixed(1)} ms (node -e)`,
    added: `${(coldRuntime - coldBare).toFixed(1)} ms`,
    ratio: `${(coldRuntime / coldBare).toFixed(2)}×`,
    goal: '< 15 ms added',
    ok: coldRuntime - coldBare < 15,
  });
  rows.push({
    metric: '  of which Init Duration',
    runtime: `${median(cold.init).toFixed(1)} ms`,
    plain: '',
    added: '',
    ratio: '',
    goal: '(reported)',
    ok: true,
  });

  const header: Row = {
    metric: 'metric',
    runtime: 'runtime',
    plain: 'plain',
    added: 'added',
    ratio: 'ratio',
    goal: 'goal',
    ok: true,
  };
  const cols: (keyof Omit<Row, 'ok'>)[] = ['metric', 'runtime', 'plain', 'added', 'ratio', 'goal'];
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...[header, ...rows].map((r) => r[c].length))]));
  const line = (r: Row, mark: string) => `${cols.map((c) => r[c].padEnd(width[c]!)).join('  ')}  ${mark}`;
  log(line(header, 'met'));
  log(`${cols.map((c) => '─'.repeat(width[c]!)).join('  ')}  ───`);
  for (const r of rows) log(line(r, r.goal.startsWith('(') ? '' : r.ok ? 'yes' : 'NO'));
  log(
    `\n(${os.cpus().length} cores, Node ${process.version}; plain = the same handler behind node:http; runtime = fxbench serve, Lambda Invoke API path;`,
  );
  log(
    ' floor = the least any one-process-per-instance design can cost here: raw TCP (or Unix sockets), no Lambda framing, no accounting;',
  );
  log(
    ' protocol floor = the least server speaking the Invoke API, and the HTTP Runtime API over Unix sockets to 10 fxbench bootstraps; the runtime gives its own bootstrap frames instead)',
  );
  return rows.every((r) => r.ok);
}

/** utime + stime of one process (not its children), µs. */
function processCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) / CLOCK_TICKS) * 1e6;
}

/** PID of a child of `parent` whose command line contains `text`, or 0. */
function childWith(parent: number, text: string): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== parent) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) return Number(name);
    } catch {
      /* gone */
    }
  }
  return 0;
}

/** `fxbench run` of a generated scenario; the parsed results.json and stderr. */
async function fxbenchRun(dir: string, name: string, source: string, args: string[] = []): Promise<Result> {
  const file = path.join(dir, `${name}.mjs`);
  writeFileSync(file, source);
  const out = path.join(dir, `out-${name}`);
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/fxbench.mjs'), 'run', file, '--out', out, '--no-history', '--quiet', ...args],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  try {
    return JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
  } catch {
    throw new Error(`fxbench run ${name} exited ${code} without results:\n${err}`);
  }
}

const burstSource = (n: number, maxInstances: number) => `export default {
  name: 'burst-${n}',
  functions: { hello: { kind: 'node', code: ${JSON.stringify(path.join(ROOT, 'functions/hello'))}, maxInstances: ${maxInstances} } },
  targets: [{ name: 'hello', provider: 'local', function: 'hello' }],
  phases: [{ kind: 'burst', concurrency: ${n}, rounds: 2, gap: '1s' }],
};
`;

/** The runtime as a platform: its own process, shared by the generators. */
export async function benchPlatform(
  log: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<void> {
  log(`\n## the runtime as a platform${QUICK ? ' (quick)' : ''}\n`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fxbench-bench-platform-'));
  const lines: [string, string][] = [];
  const spawnN = QUICK ? 10 : 30;
  try {
    // CPU per cold start: runtime process (lean) vs the runtime inside this process (old design).
    const spec = checkFunction('hello', { kind: 'node', code: 'functions/hello' }, 'functions.hello', ROOT, {
      file: 'bench',
      issues: [],
    })!;
    const proc = await startRuntimeProcess();
    const pool = new Pool(proc.url, { connections: 1 });
    const reg = await pool.request({
      method: 'PUT',
      path: '/fxbench/functions/hello',
      headers: { 'x-fxbench-token': proc.token },
      body: JSON.stringify(spec),
    });
    await reg.body.dump();
    const coldOnce = async (p: Pool, drain: () => Promise<void>) => {
      await drain();
      const res = await p.request({ method: 'POST', path: '/2015-03-31/functions/hello/invocations', body: BODY });
      await res.body.dump();
      if (res.headers['x-fxbench-cold'] !== '1') throw new Error('expected a cold start');
    };
    const drainRemote = async () => {
      const r = await pool.request({ method: 'POST', path: '/system/scale-function/hello', body: '{"replicas":0}' });
      await r.body.dump();
    };
    await coldOnce(pool, drainRemote);
    // The runtime starts instances through its spawner (src/runtime/spawner.py, its child) where there is python3.
    const spawner = childWith(proc.pid, 'spawner.py');
    const cpu0 = processCpuUs(proc.pid);
    const sp0 = spawner ? processCpuUs(spawner) : 0;
    for (let i = 0; i < spawnN; i++) await coldOnce(pool, drainRemote);
    const perSpawnRemote = (processCpuUs(proc.pid) - cpu0) / spawnN;
    const perSpawnSpawner = spawner ? (processCpuUs(spawner) - sp0) / spawnN : null;
    await pool.close();
    await proc.stop();
    const rt = new LocalRuntime([spec]);
    await rt.start();
    const local = new Pool(rt.url, { connections: 1 });
    await coldOnce(local, () => rt.drain('hello'));
    const u0 = process.cpuUsage();
    for (let i = 0; i < spawnN; i++) await coldOnce(local, () => rt.drain('hello'));
    const u = process.cpuUsage(u0);
    const perSpawnInProcess = (u.user + u.system) / spawnN;
    await local.close();
    await rt.stop();
    lines.push([
      `CPU per cold start, runtime process (${spawnN})`,
      `${(perSpawnRemote / 1000).toFixed(2)} ms${perSpawnSpawner === null ? ' (no spawner: python3 missing)' : ` + ${(perSpawnSpawner / 1000).toFixed(2)} ms in its spawner`} (in the generator's process, as before: ${(perSpawnInProcess / 1000).toFixed(2)} ms, client included)`,
    ]);

    // Bursts: arrival spread and cold counts per round.
    for (const [n, max] of QUICK
      ? [
          [20, 100],
          [40, 100],
        ]
      : [
          [100, 100],
          [300, 300],
        ]) {
      const r = await fxbenchRun(dir, `burst-${n}`, burstSource(n!, max!));
      const [r1, r2] = r.targets[0]!.phases;
      const spread = (p: typeof r1) =>
        p?.arrival
          ? `accepted over ${p.arrival.spreadMs.toFixed(0)} ms, cold began over ${p.arrival.coldBeginSpreadMs?.toFixed(0) ?? 'n/a'} ms`
          : 'no arrival stamps';
      const errs = (p: typeof r1) =>
        Object.entries(p?.errors ?? {})
          .filter(([, k]) => k > 0)
          .map(([c, k]) => `${k} ${c}`)
          .join(', ') || 'none';
      lines.push([
        `burst ${n} (maxInstances ${max}): cold round 1 / round 2`,
        `${r1?.coldStarts ?? 'n/a'} / ${r2?.coldStarts ?? 'n/a'} of ${n}; errors ${(r1 ? Object.values(r1.errors).reduce((a, b) => a + b, 0) : 0) + (r2 ? Object.values(r2.errors).reduce((a, b) => a + b, 0) : 0)}; round 1 ${spread(r1)}, errors: ${errs(r1)}; round 2 ${spread(r2)}, errors: ${errs(r2)}`,
      ]);
    }

    // Generator timing while instances spawn: the steady example (open model at 50/s from cold), run
    // STEADY_RUNS times, each once the machine has settled after the bursts (their instances' exits
    // kept both cores busy for seconds: a run started then measured the bursts' tail, not the spawns').
    const late: string[] = [];
    for (let i = 0; i < (QUICK ? 1 : STEADY_RUNS); i++) {
      const busy = await settle(QUICK ? 3 : 60);
      const steady = await fxbenchRun(
        dir,
        `steady-${i}`,
        `export default {
  name: 'steady-50',
  functions: { hello: { kind: 'node', code: ${JSON.stringify(path.join(ROOT, 'functions/hello'))} } },
  targets: [{ name: 'hello', provider: 'local', function: 'hello' }],
  phases: [{ kind: 'steady', rate: 50, duration: '${QUICK ? '2s' : '5s'}' }],
};
`,
      );
      const sp = steady.targets[0]!.phases[0]!;
      late.push(
        `${sp.late ?? 'n/a'} of ${sp.requests} (${sp.coldStarts} cold starts; CPU ${busy.toFixed(0)}% busy before)`,
      );
    }
    lines.push(['open model 50/s from cold: late sends per run', late.join('; ')]);

    // The same schedule while boots saturate both cores, whatever the day's machine: a function whose init
    // burns 700 ms of CPU (a slow day's Node start, or a heavy framework) cascades into ~40 instances, ~28 s
    // of CPU asked of 2 cores in 5 s. The generator's sends must still leave on time.
    const heavy = path.join(dir, 'heavy-init');
    mkdirSync(heavy, { recursive: true });
    writeFileSync(
      path.join(heavy, 'index.mjs'),
      `const t = performance.now();
let x = 0;
while (performance.now() - t < ${HEAVY_INIT_MS}) x += Math.sqrt(x + 1);
export const handler = async (event) => ({ message: \`hello, \${event?.name ?? 'world'}\`, x });
`,
    );
    const overload: string[] = [];
    for (let i = 0; i < (QUICK ? 1 : STEADY_RUNS); i++) {
      await settle(QUICK ? 3 : 60);
      const r = await fxbenchRun(
        dir,
        `overload-${i}`,
        `export default {
  name: 'steady-50-heavy-init',
  functions: { heavy: { kind: 'node', code: ${JSON.stringify(heavy)} } },
  targets: [{ name: 'heavy', provider: 'local', function: 'heavy' }],
  phases: [{ kind: 'steady', rate: 50, duration: '${QUICK ? '2s' : '5s'}' }],
};
`,
      );
      const sp = r.targets[0]!.phases[0]!;
      overload.push(`${sp.late ?? 'n/a'} of ${sp.requests} (${sp.coldStarts} cold starts)`);
    }
    lines.push([`  same, init burning ${HEAVY_INIT_MS} ms of CPU: late sends`, overload.join('; ')]);

    // Shared runtime: --workers 2 starts no more instances than --workers 1. A burst runs in worker 1 only,
    // so this is an open model split over the workers, slow enough for one warm instance to serve it all:
    // every instance started is one cold start, and cold starts add exactly across workers.
    const counts: string[] = [];
    for (const w of [1, 2]) {
      const r = await fxbenchRun(
        dir,
        `workers-${w}`,
        `export default {
  name: 'workers-${w}',
  functions: { hello: { kind: 'node', code: ${JSON.stringify(path.join(ROOT, 'functions/hello'))} } },
  targets: [{ name: 'hello', provider: 'local', function: 'hello' }],
  phases: [{ kind: 'steady', rate: 4, duration: '3s' }],
};
`,
        ['--workers', String(w)],
      );
      const p = r.targets[0]!.phases[0]!;
      counts.push(`--workers ${w}: ${p.coldStarts} cold starts (instances started) for ${p.requests} invocations`);
    }
    lines.push(['open model 4/s for 3 s, by worker count', counts.join('; ')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const w = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) log(`${k.padEnd(w)}  ${v}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ok = await benchRuntime();
  await benchPlatform();
  process.exitCode = ok ? 0 : 1;
}
