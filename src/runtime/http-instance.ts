/**
 * Kind `http`: the OpenFaaS of-watchdog http mode. One long-lived upstream HTTP
 * server per instance, started on demand with `PORT` (and `http_port`, as the
 * OpenFaaS templates read) set to a free port on 127.0.0.1; ready once the port
 * accepts connections (or `readyPath` answers 2xx); every invocation is proxied
 * to it over a keep-alive connection.
 *
 * A timeout kills the instance when it serves one invocation at a time (Lambda's
 * model: the next invocation is cold); with concurrency > 1 (Cloud Run's model)
 * only the timed-out request is abandoned and the instance keeps serving.
 */
import http from 'node:http';
import net from 'node:net';
import { nowNs } from '../clock.ts';
import { BaseInstance, type InstanceEvents } from './instance.ts';
import type { PendingInvocation } from './invocation.ts';
import { baseEnv, spawnSoon } from './instance-process.ts';
import type { FunctionSpec } from '../model/function.ts';

/** How often readiness is probed while the upstream starts, ms. Bounds the error on init duration. */
const READY_POLL_MS = 2;
/** Hop-by-hop and framing headers never copied across the proxy. */
const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'host',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
]);

interface Running {
  inv: PendingInvocation;
  startNs: number;
  timer: NodeJS.Timeout;
  req: http.ClientRequest;
}

/** An instance of an `http` function. */
export class HttpInstance extends BaseInstance {
  private port = 0;
  private agent: http.Agent;
  private readonly queued: PendingInvocation[] = [];
  private readonly running = new Set<Running>();
  private readonly timedOut = new Set<string>();

  /** Picks a port, starts the upstream and probes it; returns at once (state `starting`). */
  constructor(spec: FunctionSpec, events: InstanceEvents) {
    super(spec, events);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
    freePort().then(
      (port) => spawnSoon(() => this.startUpstream(port)),
      (err: Error) => {
        this.stderr.push(Buffer.from(`no free port: ${err.message}`));
        this.kill('crash');
      },
    );
  }

  run(inv: PendingInvocation): void {
    this.accept(inv);
    if (this.state === 'ready') this.send(inv);
    else this.queued.push(inv);
  }

  private startUpstream(port: number): void {
    if (this.state === 'dead') return;
    this.port = port;
    const env = { ...baseEnv(), PORT: String(port), http_port: String(port), ...this.spec.env };
    this.spawnProcess(this.spec.command[0]!, this.spec.command.slice(1), env, ['ignore', 'ignore', 'pipe']);
    this.probe();
  }

  /** Probes readiness every READY_POLL_MS until ready or dead (the init timeout bounds it). */
  private probe(): void {
    if (this.state !== 'starting') return;
    const again = () => setTimeout(() => this.probe(), READY_POLL_MS);
    if (!this.spec.readyPath) {
      const sock = net.connect(this.port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        this.ready();
      });
      sock.once('error', again);
      return;
    }
    const req = http.get({ host: '127.0.0.1', port: this.port, path: this.spec.readyPath, agent: false }, (res) => {
      res.resume();
      if (res.statusCode! >= 200 && res.statusCode! < 300) this.ready();
      else again();
    });
    req.once('error', again);
  }

  private ready(): void {
    if (this.state !== 'starting') return;
    this.becameReady();
    for (const inv of this.queued.splice(0)) this.send(inv);
  }

  private send(inv: PendingInvocation): void {
    const r = inv.request;
    const headers: Record<string, string> = {};
    if (r) {
      for (const [k, v] of Object.entries(r.headers)) if (!HOP_HEADERS.has(k)) headers[k] = v;
    } else {
      headers['content-type'] = 'application/json';
    }
    headers['content-length'] = String(inv.payload.length);
    const path = r ? r.path + (r.query ? `?${r.query}` : '') : '/';
    const startNs = nowNs();
    const req = http.request({
      host: '127.0.0.1',
      port: this.port,
      method: r?.method ?? 'POST',
      path,
      headers,
      agent: this.agent,
    });
    const running: Running = { inv, startNs, req, timer: setTimeout(() => this.timeout(running), this.spec.timeoutMs) };
    this.running.add(running);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (!this.running.delete(running)) return;
        clearTimeout(running.timer);
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined && !HOP_HEADERS.has(k)) out[k] = Array.isArray(v) ? v.join(', ') : v;
        const status = res.statusCode ?? 502;
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        this.complete(inv, {
          body,
          errorClass: status >= 500 ? 'function-error' : null,
          errorType: status >= 500 ? `Http.${status}` : undefined,
          durationMs: (nowNs() - startNs) / 1e6,
          maxMemoryMB: this.readMaxMemoryMB(),
          status,
          headers: out,
        });
      });
      res.on('error', () => this.broken(running));
    });
    req.on('error', () => this.broken(running));
    req.end(inv.payload);
  }

  /**
   * The upstream dropped a request mid-way: it is crashing (or broken). Give its
   * exit a moment to arrive, so the exit code and stderr classify the loss, then
   * replace it regardless.
   */
  private broken(running: Running): void {
    if (!this.running.has(running)) return;
    setTimeout(() => this.kill('crash'), 100).unref();
  }

  private timeout(running: Running): void {
    if (!this.running.has(running)) return;
    this.timedOut.add(running.inv.requestId);
    if (this.spec.concurrency === 1) return this.kill('timeout');
    this.running.delete(running);
    running.req.destroy();
    const r = this.lostResult(running.inv, { timedOut: true, startNs: running.startNs, code: null, signal: null });
    this.inflight--;
    this.served++;
    running.inv.resolve({ ...r, status: 504 });
    this.events.onSlotFree(this);
  }

  protected lose(code: number | null, signal: NodeJS.Signals | null): void {
    this.agent.destroy();
    for (const r of this.running) {
      clearTimeout(r.timer);
      const lost = this.lostResult(r.inv, {
        timedOut: this.timedOut.has(r.inv.requestId),
        startNs: r.startNs,
        code,
        signal,
      });
      r.inv.resolve({ ...lost, status: lost.errorClass === 'timeout' ? 504 : 500 });
    }
    this.running.clear();
    for (const inv of this.queued.splice(0))
      inv.resolve({ ...this.lostResult(inv, { timedOut: false, code, signal }), status: 500 });
  }
}

/** A free TCP port on 127.0.0.1 (bound, read back, released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
