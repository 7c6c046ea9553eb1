/**
 * `fxbench run --fleet lambda:<function> --shards N` (issue 14): the scenario
 * and bench.config.ts, each bundled into one module, go to N invocations of the
 * fleet worker through the Invoke API (SigV4-signed, as the lambda driver
 * signs), each with its share `i/N` (the `--shard i/N` split) and one wall-clock
 * instant a few seconds ahead to start at. The partial results merge exactly as
 * `fxbench merge` merges (metrics/merge.ts); thresholds are judged on the merged
 * figures. A worker that fails, times out or is throttled is named and its share
 * marked missing (the run exits 3 with the partial result). Ctrl-C stops
 * waiting: Lambda cannot stop an invocation, so the workers run to their end.
 */
import { Pool } from 'undici';
import { LAMBDA_PRICES } from '../cost/prices.ts';
import { AwsSigner, resolveAwsCredentials } from '../drivers/lambda/aws-signer.ts';
import { LambdaControl } from '../drivers/lambda/control-api.ts';
import { classifyFunctionError, reportFromLogResult } from '../drivers/lambda/invoke-response.ts';
import { mergeResults } from '../metrics/merge.ts';
import { evaluateThresholds } from '../metrics/thresholds.ts';
import { FxError } from '../model/errors.ts';
import { SCHEMA_VERSION, type FleetInfo, type Result } from '../model/result.ts';
import { PHASES } from '../scenarios/phases/index.ts';
import type { Plan } from '../scenarios/plan.ts';
import type { RunEvent } from '../scenarios/runner.ts';
import { VERSION } from '../version.ts';
import { bundleUserModule } from './lambda-bundle.ts';
import { fleetLeadMs, parseFleet } from './lambda-args.ts';
import { plannedRunMs } from './lambda-plan.ts';
import { type FleetEvent, LAMBDA_MAX_TIMEOUT_MS, MAX_INVOKE_BYTES, unpackAnswer } from './lambda-protocol.ts';
import os from 'node:os';

/** Memory assumed for pricing when neither the configuration nor a REPORT line says (fleet deploy's default). */
const ASSUMED_MEMORY_MB = 1769;

/** How to run a fleet. */
export interface FleetRunOptions {
  fleet: string;
  shards: number;
  targets?: string[];
  signal: AbortSignal;
  onEvent?: (e: RunEvent) => void;
  /** Called once with how to get what has arrived so far (a second Ctrl-C writes it). */
  onPartial?: (partial: () => Result | undefined) => void;
  /** `--fleet-lead`: how far ahead of now the generators start (default 5 s). */
  fleetLead?: string;
  /** Environment (tests): AWS_REGION, AWS_ENDPOINT_URL_LAMBDA… (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** What one shard's invocation came back with. */
interface ShardOutcome {
  index: number;
  result?: Result;
  actualStartMs?: number;
  readyAtMs?: number;
  error?: string;
  billedMs?: number;
  memoryMB?: number;
  measuredMs: number;
}

/** Region and Invoke API origin from the environment (AWS_ENDPOINT_URL_LAMBDA as the AWS SDKs read it). */
export function fleetEndpoint(env: NodeJS.ProcessEnv): { region: string; origin: URL } {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region)
    throw FxError.invalid([
      { field: '--fleet', message: "no AWS region: set AWS_REGION (the fleet function's region)" },
    ]);
  const origin = new URL(
    env.AWS_ENDPOINT_URL_LAMBDA ?? env.AWS_ENDPOINT_URL ?? `https://lambda.${region}.amazonaws.com`,
  );
  return { region, origin };
}

/** Runs the plan on the fleet; resolves with the merged Result, `fleet` set. */
export async function runFleet(plan: Plan, o: FleetRunOptions): Promise<Result> {
  const env = o.env ?? process.env;
  const { functionName } = parseFleet(o.fleet);
  const emit = o.onEvent ?? (() => undefined);
  const say = (message: string) => emit({ kind: 'progress', target: '', phase: '', message });
  const leadMs = fleetLeadMs(o.fleetLead);
  // Lambda ends an invocation at 15 minutes: a longer scenario would lose every share.
  const plannedMs = plannedRunMs(plan);
  if (plannedMs + leadMs > LAMBDA_MAX_TIMEOUT_MS)
    throw FxError.invalid([
      {
        file: plan.file,
        message: `planned to run ${(plannedMs / 60_000).toFixed(1)} min (plus ${leadMs / 1000} s to start): over Lambda's 15-minute limit for one invocation; shorten the phases or run without --fleet`,
      },
    ]);
  const local = plan.targets.filter((t) => t.provider === 'local');
  if (local.length)
    throw FxError.invalid(
      local.map((t) => ({
        file: plan.file,
        field: `target ${t.name}`,
        message:
          'a local-runtime target cannot run on a Lambda fleet (the generators have no local runtime); point it at a reachable URL (provider http) or a Lambda function',
      })),
    );
  const { region, origin } = fleetEndpoint(env);
  const where = `lambda:${functionName} (${region}${origin.hostname.endsWith('amazonaws.com') ? '' : `, ${origin.origin}`})`;
  const scenario = { file: plan.file, code: await bundleUserModule(plan.file, plan.file) };
  const config = plan.configFile
    ? { file: plan.configFile, code: await bundleUserModule(plan.configFile, plan.configFile) }
    : undefined;
  const signer = new AwsSigner(await resolveAwsCredentials(`--fleet ${o.fleet}`), region);
  const pool = new Pool(origin.origin, {
    connections: null,
    pipelining: 1,
    // An invocation answers only when its share is done, and the planned length is a lower bound (invocations
    // themselves are not counted): the function's own Timeout (15 min at most) ends it, so wait that long.
    headersTimeout: LAMBDA_MAX_TIMEOUT_MS + 60_000,
    bodyTimeout: 60_000,
  });
  try {
    const fn = await functionFacts(pool, origin, signer, functionName);
    if (fn.timeoutS !== undefined && plannedMs + leadMs > fn.timeoutS * 1000)
      throw FxError.invalid([
        {
          file: plan.file,
          message: `planned to run ${(plannedMs / 1000).toFixed(0)} s (plus ${leadMs / 1000} s to start), longer than the Timeout of ${functionName} (${fn.timeoutS} s): raise it (fxbench fleet deploy creates it with 900 s) or shorten the phases`,
        },
      ]);
    const startAtMs = Date.now() + leadMs;
    const startAt = new Date(startAtMs).toISOString();
    say(
      `fleet: ${o.shards} generator${o.shards > 1 ? 's' : ''} on ${where}, told to start at ${startAt} (in ${leadMs / 1000} s)`,
    );
    if (o.shards > 1)
      for (const p of plan.phases)
        if (!splitsAmongGenerators(p.kind, p.settings, o.shards))
          say(`note: phase ${p.name} (${p.kind}) is not split between generators: it runs whole on generator 1`);
    const path = `${origin.pathname.replace(/\/$/, '')}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`;
    const outcomes: (ShardOutcome | undefined)[] = new Array(o.shards).fill(undefined);
    const calls = Array.from({ length: o.shards }, async (_, index) => {
      const event: FleetEvent = {
        fxbenchFleet: 1,
        scenario,
        config,
        targets: o.targets,
        shard: { index, count: o.shards },
        startAtMs,
      };
      const out = await invokeShard(pool, origin, path, signer, event);
      // After Ctrl-C the result is out already: what comes later (the pool closed under it) is not news.
      if (o.signal.aborted) return;
      outcomes[index] = out;
      say(
        out.error
          ? `✗ generator ${index + 1}/${o.shards}: ${out.error}`
          : `generator ${index + 1}/${o.shards} done${out.actualStartMs !== undefined ? `, started ${(out.actualStartMs - startAtMs).toFixed(1)} ms after the agreed instant` : ''}`,
      );
    });
    const startedAt = new Date().toISOString();
    const assemble = (interrupted: boolean): Result =>
      fleetResult(plan, outcomes, { startAtMs, where, fn, interrupted, startedAt, shards: o.shards });
    o.onPartial?.(() => assemble(true));
    const aborted = new Promise<'aborted'>((resolve) => {
      if (o.signal.aborted) resolve('aborted');
      o.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
    });
    const ended = await Promise.race([Promise.all(calls).then(() => 'done' as const), aborted]);
    if (ended === 'aborted') {
      say('stopped waiting for the fleet: its workers run to their end on Lambda (an invocation cannot be stopped)');
      return assemble(true);
    }
    return assemble(false);
  } finally {
    // An interrupted run leaves invocations open: close without waiting for them.
    void pool.destroy().catch(() => undefined);
  }
}

/**
 * Whether a phase gives the generators after the first a share of their own
 * (PhaseModule.share, asked as the generators run it: all started at one
 * instant). A phase without one (a warmup) runs whole on generator 1, as under
 * `--shard i/N`.
 */
function splitsAmongGenerators(kind: string, settings: Record<string, unknown>, count: number): boolean {
  // Called with the `simultaneous` argument phases accept (a burst splits only among shards started together).
  const share = PHASES[kind]?.share as ((...args: unknown[]) => unknown) | undefined;
  if (!share) return false;
  for (let i = 1; i < count; i++) if (share(settings, i, count, true) !== undefined) return true;
  return false;
}

/** The function's memory, architecture and timeout, read from its configuration where the endpoint has a control plane. */
async function functionFacts(
  pool: Pool,
  origin: URL,
  signer: AwsSigner,
  name: string,
): Promise<{ memoryMB?: number; arch?: 'x86_64' | 'arm64'; timeoutS?: number }> {
  try {
    const c = await new LambdaControl(pool, origin, signer, name).get(AbortSignal.timeout(10_000));
    return { memoryMB: c.MemorySize, arch: c.Architectures?.[0], timeoutS: c.Timeout };
  } catch {
    // No control plane (the local runtime) or no permission to read it: REPORT lines and assumptions price it.
    return {};
  }
}

/** One shard's invocation: the signed Invoke call and what its answer means. Never throws. */
async function invokeShard(
  pool: Pool,
  origin: URL,
  path: string,
  signer: AwsSigner,
  event: FleetEvent,
): Promise<ShardOutcome> {
  const index = event.shard.index;
  const body = JSON.stringify(event);
  const sent = performance.now();
  const measured = () => performance.now() - sent;
  if (Buffer.byteLength(body) > MAX_INVOKE_BYTES)
    return {
      index,
      measuredMs: 0,
      error: `not sent: the bundled scenario and config make a ${(Buffer.byteLength(body) / 1024 / 1024).toFixed(1)} MB event, over Lambda's 6 MB request limit`,
    };
  try {
    const headers = await signer.sign(
      'POST',
      new URL(path, origin),
      { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse', 'x-amz-log-type': 'Tail' },
      body,
    );
    const res = await pool.request({ method: 'POST', path, headers, body });
    const text = await res.body.text();
    const h = (n: string) => {
      const v = res.headers[n];
      return Array.isArray(v) ? v[0] : v;
    };
    const report = reportFromLogResult(h('x-amz-log-result'));
    const base = { index, measuredMs: measured(), billedMs: report?.billedMs, memoryMB: report?.memoryMB || undefined };
    if (res.statusCode === 429)
      return { ...base, error: `throttled (HTTP 429 ${h('x-amzn-errortype') ?? ''}: ${text.slice(0, 200)})` };
    if (res.statusCode >= 300)
      return { ...base, error: `HTTP ${res.statusCode} ${h('x-amzn-errortype') ?? ''}: ${text.slice(0, 300)}` };
    if (h('x-amz-function-error')) {
      let obj: Record<string, unknown> | undefined;
      try {
        obj = JSON.parse(text) as Record<string, unknown>;
      } catch {
        /* not JSON: the class comes from the REPORT line */
      }
      const { errorClass, message } = classifyFunctionError(obj, report);
      return {
        ...base,
        error:
          errorClass === 'timeout'
            ? `timed out after ${(base.measuredMs / 1000).toFixed(1)} s (${message}): the function's Timeout ended it (at most 15 min; fxbench fleet deploy sets 15 min)`
            : `failed: ${message}`,
      };
    }
    const answer = unpackAnswer(text);
    if (!answer)
      return {
        ...base,
        error: `answered without a fleet result (is it the fleet worker? fxbench fleet deploy): ${text.slice(0, 200)}`,
      };
    return { ...base, result: answer.result, actualStartMs: answer.actualStartMs, readyAtMs: answer.readyAtMs };
  } catch (err) {
    return { index, measuredMs: measured(), error: `no answer: ${(err as Error).message}` };
  }
}

/** The merged result of the shards that answered, with `fleet` filled in and thresholds judged. */
function fleetResult(
  plan: Plan,
  outcomes: (ShardOutcome | undefined)[],
  c: {
    startAtMs: number;
    where: string;
    fn: { memoryMB?: number; arch?: 'x86_64' | 'arm64' };
    interrupted: boolean;
    startedAt: string;
    shards: number;
  },
): Result {
  const ok = outcomes.filter((x): x is ShardOutcome & { result: Result } => !!x?.result);
  const label = (i: number) => `${i + 1}/${c.shards}`;
  const workers: FleetInfo['workers'] = outcomes.map((x, i) => ({
    shard: label(i),
    ...(x?.actualStartMs !== undefined
      ? { startOffsetMs: Math.round((x.actualStartMs - c.startAtMs) * 100) / 100 }
      : {}),
    ...(x?.readyAtMs !== undefined ? { readyBeforeMs: Math.round(c.startAtMs - x.readyAtMs) } : {}),
    ...(x?.result ? { requests: x.result.targets.reduce((a, t) => a + (t.summary?.requests ?? 0), 0) } : {}),
    ...(x?.billedMs !== undefined ? { billedMs: x.billedMs } : {}),
    ...(x?.error ? { error: x.error } : x ? {} : { error: 'still running when the client stopped waiting' }),
  }));
  const merged: Result = ok.length
    ? mergeResults(
        ok.map((x) => x.result),
        ok.map((x) => `shard ${label(x.index)}`),
      )
    : emptyResult(plan, c.startedAt);
  const fleet: FleetInfo = {
    generators: ok.length,
    shards: c.shards,
    where: c.where,
    startAt: new Date(c.startAtMs).toISOString(),
    workers,
    missing: workers.filter((w) => w.requests === undefined).map((w) => w.shard),
    cost: fleetCost(
      outcomes.filter((x): x is ShardOutcome => !!x),
      c.fn,
    ),
  };
  const out: Result = {
    ...merged,
    scenario: { ...merged.scenario, file: plan.file },
    interrupted: merged.interrupted || c.interrupted,
    fleet,
  };
  out.thresholds = plan.thresholds?.length ? evaluateThresholds(plan.thresholds, out.targets) : [];
  return out;
}

/** A result with no figures, when no generator answered: every target says why. */
function emptyResult(plan: Plan, startedAt: string): Result {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: {
      name: 'fxbench',
      version: VERSION,
      node: process.version,
      platform: process.platform,
      cpus: os.cpus().length,
    },
    scenario: { name: plan.name, file: plan.file, ...(plan.description ? { description: plan.description } : {}) },
    startedAt,
    finishedAt: new Date().toISOString(),
    interrupted: false,
    targets: plan.targets.map((t) => ({
      name: t.name,
      provider: t.provider,
      function: t.function ?? '',
      memoryMB: null,
      coldStartMethod: 'none',
      error: 'no generator of the fleet answered',
      phases: [],
      summary: null,
    })),
    thresholds: [],
  };
}

/**
 * What the generators cost: GB-seconds from each worker's billed duration (its
 * REPORT line) or, without one, the duration the client measured, at the
 * function's memory; plus one request each; at LAMBDA_PRICES for its
 * architecture (cost/prices.ts: price catalog of 2026-08-21 for x86_64, arm64 as
 * that table dates it).
 */
export function fleetCost(
  outcomes: Pick<ShardOutcome, 'billedMs' | 'memoryMB' | 'measuredMs'>[],
  fn: { memoryMB?: number; arch?: 'x86_64' | 'arm64' },
): NonNullable<FleetInfo['cost']> {
  const arch = fn.arch ?? 'arm64';
  const prices = LAMBDA_PRICES[arch];
  const basis = new Set<string>();
  let gbSeconds = 0;
  for (const x of outcomes) {
    const memoryMB = x.memoryMB ?? fn.memoryMB ?? ASSUMED_MEMORY_MB;
    basis.add(
      x.memoryMB
        ? `memory ${memoryMB} MB (REPORT)`
        : fn.memoryMB
          ? `memory ${memoryMB} MB (configuration)`
          : `memory ${memoryMB} MB (assumed: fleet deploy's default)`,
    );
    basis.add(x.billedMs !== undefined ? 'billed duration (REPORT)' : 'duration measured by the client');
    const ms = x.billedMs ?? Math.ceil(x.measuredMs);
    gbSeconds += (memoryMB / 1024) * (ms / 1000);
  }
  basis.add(fn.arch ? `${arch} (configuration)` : `${arch} (assumed: fleet deploy's default)`);
  const requests = outcomes.length;
  const totalUSD = gbSeconds * prices.perGBSecondUSD + requests * prices.perRequestUSD;
  return {
    totalUSD,
    gbSeconds: Math.round(gbSeconds * 1000) / 1000,
    requests,
    priceSource: prices.source,
    basis: [...basis],
  };
}
