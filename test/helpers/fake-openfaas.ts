/**
 * A local OpenFaaS gateway (providers.md §2.1–2.3), for tests (no cluster is
 * reachable): `/function/{name}[/…]` (no auth), `GET /system/functions`,
 * `GET /system/function/{name}` and `POST /system/scale-function/{name}` (basic
 * auth, user "admin"), `/healthz`. Each replica is a real process
 * (fake-openfaas-replica.py: a watchdog around a function with the Python
 * instance-id snippet). Scale from zero as the CE gateway does it: a request to a
 * function with 0 replicas sets replicas to 1, then the request is HELD while
 * `availableReplicas` is polled every 100 ms (at most 1000 polls), then proxied.
 * Adds X-Call-Id, X-Start-Time (Unix ns) and X-Served-By like the gateway.
 * `replicas` and `availableReplicas` are omitted when 0 (omitempty).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const REPLICA = path.join(path.dirname(new URL(import.meta.url).pathname), 'fake-openfaas-replica.py');

interface Replica {
  proc: ChildProcess;
  port: number | null;
  /** Scaled away: gets no more requests, but counts as available until its process has exited. */
  terminating: boolean;
  /** Requests being served now. */
  inflight: number;
}

interface FakeFn {
  name: string;
  startupMs: number;
  desired: number;
  replicas: Replica[];
  labels: Record<string, string>;
  stuck: boolean;
  scaleOnBusy: boolean;
  coldHeader: boolean;
}

/** One function of the fake gateway. */
export interface FakeOpenFaasFunction {
  name: string;
  /** Real start-up delay of each replica process before it listens, ms (default 300). */
  startupMs?: number;
  labels?: Record<string, string>;
  /** Scaling down sets the desired count but leaves replicas running (a stuck termination). */
  stuckOnScaleDown?: boolean;
  /**
   * A request that finds every ready replica busy starts a new replica and is held until it
   * listens, then served by it (faasd-style per-request scaling; not CE's Kubernetes routing,
   * which sends requests only to ready replicas). Otherwise requests go to any ready replica.
   */
  scaleOnBusy?: boolean;
  /** The gateway says `x-fxbench-cold: 1` on a response it held for a new replica (as `fxbench serve` does), else `0`. */
  coldHeader?: boolean;
}

export class FakeOpenFaas {
  private server: Server | null = null;
  private readonly fns = new Map<string, FakeFn>();
  /** Gateway log lines, like `[Scale 1/20] function=X 0 => 1 requested`. */
  readonly log: string[] = [];
  /** Every replica PID ever started. */
  readonly pids: number[] = [];
  /** Authorization headers seen on /system calls. */
  readonly systemAuth: (string | undefined)[] = [];

  constructor(
    fns: FakeOpenFaasFunction[],
    readonly password = 'fx-secret-pw',
  ) {
    for (const f of fns)
      this.fns.set(f.name, {
        name: f.name,
        startupMs: f.startupMs ?? 300,
        desired: 0,
        replicas: [],
        labels: f.labels ?? {},
        stuck: f.stuckOnScaleDown ?? false,
        scaleOnBusy: f.scaleOnBusy ?? false,
        coldHeader: f.coldHeader ?? false,
      });
  }

  async start(initial: Record<string, number> = {}): Promise<string> {
    for (const [name, n] of Object.entries(initial)) this.scale(name, n);
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Scales a function now (what /system/scale-function does). */
  scale(name: string, n: number): void {
    const f = this.fns.get(name)!;
    f.desired = n;
    const serving = () => f.replicas.filter((r) => !r.terminating);
    while (serving().length < n) f.replicas.push(this.spawnReplica(f));
    while (serving().length > n && !f.stuck) {
      const r = serving().at(-1)!;
      // Terminating takes a moment: availableReplicas drops when the process is gone (the exit
      // handler removes it), so a client that waits for 0 available has waited for the process.
      r.terminating = true;
      r.proc.kill('SIGTERM');
    }
  }

  /** Ready replicas of a function. */
  available(name: string): number {
    return this.fns.get(name)!.replicas.filter((r) => r.port !== null).length;
  }

  /** Replicas that take requests: listening and not scaled away. */
  private ready(f: FakeFn): Replica[] {
    return f.replicas.filter((r) => r.port !== null && !r.terminating);
  }

  private spawnReplica(f: FakeFn): Replica {
    const proc = spawn('python3', [REPLICA, String(f.startupMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const r: Replica = { proc, port: null, terminating: false, inflight: 0 };
    this.pids.push(proc.pid!);
    let out = '';
    proc.stdout!.on('data', (c) => {
      out += c;
      const m = /listening (\d+)/.exec(out);
      if (m && r.port === null && f.replicas.includes(r)) r.port = Number(m[1]);
    });
    proc.on('exit', () => {
      r.port = null;
      const i = f.replicas.indexOf(r);
      if (i >= 0) f.replicas.splice(i, 1);
    });
    return r;
  }

  /** Kills every replica (by PID) and closes the gateway. */
  async stop(): Promise<void> {
    const exits: Promise<unknown>[] = [];
    for (const f of this.fns.values()) {
      for (const r of f.replicas) {
        if (r.proc.exitCode === null && r.proc.signalCode === null)
          exits.push(new Promise((resolve) => r.proc.once('exit', resolve)));
        r.proc.kill('SIGKILL');
      }
    }
    // Wait (bounded) until every replica process is really gone.
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 5000).unref())]);
    const s = this.server;
    this.server = null;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }

  private status(f: FakeFn): Record<string, unknown> {
    const available = this.available(f.name);
    return {
      name: f.name,
      image: `ghcr.io/fxbench/${f.name}:latest`,
      namespace: 'openfaas-fn',
      envProcess: 'python3 index.py',
      labels: f.labels,
      annotations: {},
      ...(f.desired ? { replicas: f.desired } : {}),
      ...(available ? { availableReplicas: available } : {}),
      createdAt: '2026-11-01T00:00:00Z',
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url!, 'http://x');
    const send = (status: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': String(Buffer.byteLength(text)),
        ...headers,
      });
      res.end(text);
    };
    if (url.pathname === '/healthz') return send(200, 'OK');
    if (url.pathname.startsWith('/system/')) {
      this.systemAuth.push(req.headers.authorization);
      if (req.headers.authorization !== `Basic ${Buffer.from(`admin:${this.password}`).toString('base64')}`)
        return send(401, 'Unauthorized\n', { 'www-authenticate': 'Basic realm="Restricted"' });
      const m = /^\/system\/(function|scale-function)\/([^/]+)$/.exec(url.pathname);
      if (url.pathname === '/system/functions' && req.method === 'GET')
        return send(200, JSON.stringify([...this.fns.values()].map((f) => this.status(f))), {
          'content-type': 'application/json',
        });
      if (!m) return send(404, '404 page not found\n');
      const f = this.fns.get(decodeURIComponent(m[2]!).split('.')[0]!);
      if (!f) return send(404, `error finding function ${m[2]}: not found\n`);
      if (m[1] === 'function' && req.method === 'GET')
        return send(200, JSON.stringify(this.status(f)), { 'content-type': 'application/json' });
      if (m[1] === 'scale-function' && req.method === 'POST') {
        const r = JSON.parse(body.toString('utf8') || '{}') as { replicas?: number };
        if (typeof r.replicas !== 'number') return send(400, 'replicas required\n');
        this.scale(f.name, r.replicas);
        return send(202, '');
      }
      return send(405, 'method not allowed\n');
    }
    const m = /^\/function\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) return send(404, '404 page not found\n');
    const f = this.fns.get(decodeURIComponent(m[1]!).split('.')[0]!);
    if (!f) return send(404, `error finding function ${m[1]}: not found\n`);
    const callId = (req.headers['x-call-id'] as string | undefined) ?? randomUUID();
    const startNs = (BigInt(Date.now()) * 1_000_000n).toString();
    const t0 = performance.now();
    /** Whether this request waited for a new replica. */
    let held = false;
    if (this.ready(f).length === 0) {
      held = true;
      if (f.desired === 0) {
        this.scale(f.name, 1);
        this.log.push(`[Scale 1/20] function=${f.name} 0 => 1 requested`);
      }
      // Hold the request: poll every 100 ms, at most 1000 polls (≈ 100 s), as the CE gateway does.
      let polls = 0;
      while (this.ready(f).length === 0 && polls < 1000) {
        await new Promise((r) => setTimeout(r, 100));
        polls++;
      }
      if (this.ready(f).length === 0) {
        this.log.push(
          `[Scale] function=${f.name}.openfaas-fn 0=>1 timed-out after ${((performance.now() - t0) / 1000).toFixed(4)}s`,
        );
        return send(504, `Unable to scale function ${f.name}\n`);
      }
      this.log.push(`[Ready] function=${f.name} waited for - ${((performance.now() - t0) / 1000).toFixed(4)}s`);
    }
    const ready = this.ready(f);
    let replica = ready[Math.floor(Math.random() * ready.length)]!;
    if (f.scaleOnBusy) {
      const idle = ready.find((r) => r.inflight === 0);
      if (idle) replica = idle;
      else {
        // Every ready replica is busy: start one more and hold the request until it listens.
        const fresh = this.spawnReplica(f);
        f.replicas.push(fresh);
        f.desired++;
        this.log.push(`[Scale] function=${f.name} ${f.desired - 1} => ${f.desired} (all busy)`);
        const end = Date.now() + 10_000;
        while (fresh.port === null && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
        if (fresh.port === null) return send(504, `Unable to scale function ${f.name}\n`);
        replica = fresh;
        held = true;
      }
    }
    replica.inflight++;
    res.once('close', () => replica.inflight--);
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: replica.port!,
        method: req.method,
        path: m[2] ?? '/',
        headers: { ...req.headers, 'x-call-id': callId, 'x-start-time': startNs, host: `127.0.0.1:${replica.port}` },
      },
      (up) => {
        res.writeHead(up.statusCode!, {
          ...up.headers,
          'x-call-id': callId,
          'x-start-time': startNs,
          'x-served-by': 'openfaas-ce/0.27.12',
          ...(f.coldHeader ? { 'x-fxbench-cold': held ? '1' : '0' } : {}),
        });
        up.pipe(res);
      },
    );
    upstream.on('error', () => send(502, 'Bad Gateway\n'));
    upstream.end(body);
  }
}
