/**
 * Kind `fork`: the OpenFaaS classic watchdog model. The function's command is
 * started for each invocation, gets the request body on stdin and HTTP request
 * details as CGI-style variables (`Http_Method`, `Http_Path`, `Http_Query`,
 * `Http_Content_Type`, …), and its stdout is the response. Exit code 0 is a
 * success (200); anything else is a function error (500).
 *
 * Every invocation is therefore a cold start in process terms, and is reported
 * as one: init duration is the process creation (spawn until exec succeeded);
 * interpreter start-up and the function's own work cannot be told apart from
 * outside and are counted in the duration, as a watchdog's X-Duration-Seconds does.
 */
import { nowNs } from '../clock.ts';
import { BaseInstance, json } from './instance.ts';
import type { PendingInvocation } from './invocation.ts';
import { baseEnv, lastLine, looksOutOfMemory } from './instance-process.ts';

/** How often peak RSS is sampled while the process runs, ms (it is gone from /proc once it exits). */
const SAMPLE_EVERY_MS = 20;

/** One process, one invocation. */
export class ForkInstance extends BaseInstance {
  private inv: PendingInvocation | null = null;
  private startNs = 0;
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private readonly stdout: Buffer[] = [];
  private peakMB = 0;
  private sampler: NodeJS.Timeout | undefined;

  run(inv: PendingInvocation): void {
    this.accept(inv);
    this.inv = inv;
    const { spec } = this;
    const req = inv.request;
    const env: Record<string, string> = {
      ...baseEnv(),
      ...cgiEnv(
        req?.method ?? 'POST',
        req?.path ?? '/',
        req?.query ?? '',
        req?.headers ?? { 'content-type': 'application/json' },
        inv.payload.length,
      ),
      ...spec.env,
    };
    // The payload goes to its stdin; its stdout is the response.
    const child = this.spawnProcess(
      spec.command[0]!,
      spec.command.slice(1),
      env,
      ['pipe', 'pipe', 'pipe'],
      'close',
      inv.payload,
    );
    // The timeout counts from the same moment as the duration: the process has
    // started (the spawner reported it). Counted from the ask, a slow spawn took
    // its time out of the function's and a timed-out run reported 398 ms of 400.
    child.once('spawn', () => {
      this.startNs = nowNs();
      this.becameReady();
      if (!this.inv) return; // already lost: nothing to sample or time
      this.sampler = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.kill('timeout');
      }, spec.timeoutMs);
    });
    child.stdout!.on('data', (c: Buffer) => {
      this.stdout.push(c);
      this.sample();
    });
  }

  /** Peak RSS is read while the process lives (after exit /proc has nothing); best effort. */
  private sample(): void {
    this.peakMB = Math.max(this.peakMB, this.readMaxMemoryMB());
  }

  protected lose(code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(this.timer);
    clearInterval(this.sampler);
    const inv = this.inv;
    this.inv = null;
    if (!inv) return;
    const durationMs = this.startNs ? (nowNs() - this.startNs) / 1e6 : 0;
    const stderr = this.stderr.toString();
    if (code === 0 && !this.timedOut) {
      const contentType = this.spec.env.content_type ?? inv.request?.headers['content-type'] ?? 'application/json';
      return inv.resolve(
        this.result(inv, {
          body: Buffer.concat(this.stdout),
          errorClass: null,
          durationMs,
          maxMemoryMB: this.peakMB,
          status: 200,
          headers: { 'content-type': contentType },
        }),
      );
    }
    if (this.timedOut || !this.everReady || this.killedFor !== null) {
      const r = this.lostResult(inv, { timedOut: this.timedOut, startNs: this.startNs || undefined, code, signal });
      return inv.resolve({ ...r, maxMemoryMB: this.peakMB, status: r.errorClass === 'timeout' ? 504 : 500 });
    }
    const oom = this.oomKilled || looksOutOfMemory(stderr) || signal === 'SIGKILL';
    const errorType = oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
    const message = oom
      ? `process ran out of memory (${this.spec.memoryMB} MB)`
      : `exit status ${code ?? signal}${stderr ? `: ${lastLine(stderr)}` : ''}`;
    inv.resolve(
      this.result(inv, {
        body: json({ errorType, errorMessage: message }),
        errorClass: oom ? 'out-of-memory' : 'function-error',
        errorType,
        durationMs,
        maxMemoryMB: this.peakMB,
        status: 500,
      }),
    );
  }
}

/**
 * The classic watchdog's CGI variables (cgi_headers=true): every request header
 * as `Http_<Name>` with dashes as underscores, plus method, path, query and length.
 */
function cgiEnv(
  method: string,
  path: string,
  query: string,
  headers: Record<string, string>,
  length: number,
): Record<string, string> {
  const env: Record<string, string> = { Http_Method: method, Http_Path: path, Http_ContentLength: String(length) };
  if (query) env.Http_Query = query;
  for (const [name, value] of Object.entries(headers)) {
    const key =
      'Http_' +
      name
        .split('-')
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join('_');
    env[key] = value;
  }
  return env;
}
