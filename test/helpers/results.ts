/**
 * Results built in tests, one way: real Recorders fed seeded samples and folded
 * through phaseFigures, so histograms, counters, summaries and cost are exactly
 * what a run would write.
 *
 * - `phase`, `target`, `result`: small results from given latency lists (compare,
 *   history and significance tests; `lognormalUs` draws such lists);
 * - `simulatePhase`, `simulateTarget` and the `*Fixture` builders: whole runs with
 *   every optional field other phases produce (timeline, idleGapMs, payloadBytes,
 *   memoryMB, rateRps, late, dropped, ramp, thresholds), so every chart has data;
 *   they made the report tests' test/fixtures/results-*.json.
 *
 *   node --import tsx test/helpers/results.ts   rewrites test/fixtures/results-*.json
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { mergeRecorded, phaseFigures } from '../../src/metrics/figures.ts';
import { newHistogram, recordUs } from '../../src/metrics/histogram.ts';
import { Recorder, type Recorded } from '../../src/metrics/recorder.ts';
import type { ErrorClass } from '../../src/model/invocation.ts';
import {
  SCHEMA_VERSION,
  type PhaseResult,
  type Result,
  type TargetResult,
  type TimelinePoint,
} from '../../src/model/result.ts';
import type { Sample } from '../../src/model/sample.ts';

/** A seeded PRNG (mulberry32): the same seed gives the same numbers on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Two log-normal draws (Box–Muller), each kept exactly as the data it made was
// drawn: the compare tests' thresholds and the committed fixture files rest on
// these very numbers, and the two differ in how the first uniform is kept off 0.

/** `n` log-normal latencies in µs around `medianMs` (sigma 0.2 unless given). */
export function lognormalUs(n: number, medianMs: number, seed: number, sigma = 0.2): number[] {
  const r = rng(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    out.push(medianMs * 1000 * Math.exp(sigma * z));
  }
  return out;
}

/** A log-normal draw around `medianMs` with spread `sigma` (report fixtures). */
function logNormal(r: () => number, medianMs: number, sigma: number): number {
  const u = Math.max(r(), 1e-12);
  const v = r();
  return medianMs * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}

/** A sample of target "t", sent when intended, successful, cold state told by the provider, unless given otherwise. */
export function sample(
  s: Pick<Sample, 'phase' | 'seq' | 'intendedNs' | 'latencyUs' | 'cold' | 'bytesIn' | 'bytesOut'> & Partial<Sample>,
): Sample {
  return { target: 't', round: 1, startNs: s.intendedNs, status: 200, errorClass: null, coldMethod: 'provider', ...s };
}

/** A whole result around these targets (fields of `over` replace the defaults). */
export function result(targets: TargetResult[], scenario = 'synthetic', over: Partial<Result> = {}): Result {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'fxbench', version: 'test', node: process.version, platform: 'test', cpus: 2 },
    scenario: { name: scenario, file: `scenarios/${scenario}.ts` },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:10.000Z',
    interrupted: false,
    targets,
    thresholds: [],
    ...over,
  };
}

/** A target result with these phases (summary left null: compare must not need it). */
export function target(name: string, phases: PhaseResult[]): TargetResult {
  return { name, provider: 'local', function: name, memoryMB: 128, coldStartMethod: 'provider', phases, summary: null };
}

// --- Results from given latencies ---

/** What one phase built from given latencies holds. */
export interface PhaseSpec {
  name?: string;
  round?: number;
  warmUs?: number[];
  coldUs?: number[];
  /** Init durations (ms) for the cold samples, in order (default 50). */
  initMs?: number;
  /** How many of the warm samples failed (function-error). */
  errors?: number;
  /** Cost of each successful invocation, USD (default 2e-7 + 1e-9 per ms). */
  costUSD?: (latencyUs: number) => number;
}

/** A phase result built from these latencies through a real Recorder. */
export function phase(spec: PhaseSpec): PhaseResult {
  const rec = new Recorder();
  let seq = 0;
  const cost = spec.costUSD ?? ((us: number) => 2e-7 + 1e-9 * (us / 1000));
  const add = (latencyUs: number, cold: boolean, failed: boolean) => {
    const s = seq++;
    rec.add(
      sample({
        phase: spec.name ?? 'burst',
        round: spec.round ?? 1,
        seq: s,
        intendedNs: (s + 1) * 1e6,
        latencyUs,
        errorClass: failed ? 'function-error' : null,
        bytesIn: 10,
        bytesOut: 2,
        cold,
        initMs: cold ? (spec.initMs ?? 50) : undefined,
        costUSD: failed ? undefined : cost(latencyUs),
      }),
    );
  };
  for (const us of spec.coldUs ?? []) add(us, true, false);
  (spec.warmUs ?? []).forEach((us, i) => add(us, false, i < (spec.errors ?? 0)));
  return {
    name: spec.name ?? 'burst',
    kind: 'burst',
    ...(spec.round ? { round: spec.round } : {}),
    ...phaseFigures(rec.recorded, 'synthetic prices'),
  };
}

// --- Simulated runs: the report fixtures ---

/** How one simulated phase behaves (report fixtures). */
export interface SimulatedPhaseSpec {
  name: string;
  kind: string;
  round?: number;
  requests: number;
  /** Seconds the phase lasts (requests spread evenly over it). */
  durationS: number;
  warmMedianMs: number;
  /** Probability an invocation is a cold start. */
  coldP: number;
  initMedianMs?: number;
  errorP?: number;
  errorClass?: ErrorClass;
  memoryMB?: number;
  payloadBytes?: number;
  idleGapMs?: number;
  rateRps?: number;
  late?: number;
  dropped?: number;
  /** Record a per-second timeline. */
  timeline?: boolean;
}

/** Simulates one phase; `clock.s` is seconds since the run start and advances. */
export function simulatePhase(
  spec: SimulatedPhaseSpec,
  r: () => number,
  clock: { s: number },
  priceSource: string,
): { phase: PhaseResult; recorded: Recorded } {
  const rec = new Recorder();
  const startS = clock.s;
  const memoryMB = spec.memoryMB ?? 128;
  const seconds: {
    requests: number;
    ok: number;
    errors: number;
    coldStarts: number;
    h: ReturnType<typeof newHistogram>;
  }[] = [];
  for (let i = 0; i < spec.requests; i++) {
    const atS = startS + (spec.durationS * i) / spec.requests;
    const cold = r() < spec.coldP;
    const initMs = cold ? logNormal(r, spec.initMedianMs ?? 150, 0.25) : undefined;
    // Bigger memory means more CPU on Lambda: latency scales down with it.
    const cpu = Math.sqrt(128 / memoryMB);
    const payloadMs = (spec.payloadBytes ?? 0) / 50_000;
    const durationMs = logNormal(r, spec.warmMedianMs * cpu, 0.35) + payloadMs;
    const latencyMs = durationMs + 0.8 + (initMs ?? 0);
    const failed = r() < (spec.errorP ?? 0);
    const intendedNs = Math.round(atS * 1e9);
    rec.add(
      sample({
        phase: spec.name,
        round: spec.round ?? 1,
        seq: i,
        intendedNs,
        latencyUs: latencyMs * 1000,
        status: failed ? 429 : 200,
        errorClass: failed ? (spec.errorClass ?? 'throttled') : null,
        bytesOut: spec.payloadBytes ?? 16,
        bytesIn: 64,
        cold,
        initMs,
        durationMs,
        costUSD: failed
          ? undefined
          : 0.0000002 + (memoryMB / 1024) * (Math.ceil(durationMs + (initMs ?? 0)) / 1000) * 0.0000166667,
      }),
    );
    if (spec.timeline) {
      const sec = Math.floor(atS + latencyMs / 1000 - startS);
      while (seconds.length <= sec) seconds.push({ requests: 0, ok: 0, errors: 0, coldStarts: 0, h: newHistogram() });
      const b = seconds[sec]!;
      b.requests++;
      if (failed) b.errors++;
      else b.ok++;
      if (cold) b.coldStarts++;
      recordUs(b.h, latencyMs * 1000);
    }
  }
  clock.s = startS + spec.durationS;
  const figures = phaseFigures(rec.recorded, priceSource);
  const phase: PhaseResult = {
    name: spec.name,
    kind: spec.kind,
    ...(spec.round ? { round: spec.round } : {}),
    ...figures,
  };
  for (const key of ['payloadBytes', 'idleGapMs', 'memoryMB', 'rateRps', 'late', 'dropped'] as const) {
    if (spec[key] !== undefined) phase[key] = spec[key];
  }
  if (spec.timeline) {
    phase.timeline = seconds.map(
      (b, i): TimelinePoint => ({
        t: Math.floor(startS) + i,
        requests: b.requests,
        ok: b.ok,
        errors: b.errors,
        coldStarts: b.coldStarts,
        p50Ms: b.h.totalCount ? b.h.getValueAtPercentile(50) / 1000 : null,
        p99Ms: b.h.totalCount ? b.h.getValueAtPercentile(99) / 1000 : null,
      }),
    );
  }
  return { phase, recorded: rec.recorded };
}

/** Builds a target from phase specs. */
export function simulateTarget(
  info: Omit<TargetResult, 'phases' | 'summary'>,
  specs: SimulatedPhaseSpec[],
  r: () => number,
  clock: { s: number },
  priceSource: string,
): TargetResult {
  const phases: PhaseResult[] = [];
  const all: Recorded[] = [];
  for (const spec of specs) {
    const { phase, recorded } = simulatePhase(spec, r, clock, priceSource);
    phases.push(phase);
    all.push(recorded);
  }
  return { ...info, phases, summary: all.length ? phaseFigures(mergeRecorded(all), priceSource) : null };
}

const LOCAL_PRICE =
  'aws-lambda us-east-1 x86_64 (price catalog 2026-08-21); projected from the local runtime’s billed duration';
const AWS_PRICE = 'aws-lambda us-east-1 arm64 (Cloudchipr 2024, verify)';

/** The envelope of the report fixtures: a fixed tool block and a run that lasted `durationS`. */
function fixtureResult(
  name: string,
  description: string,
  startedAt: string,
  durationS: number,
  targets: TargetResult[],
  thresholds: Result['thresholds'],
): Result {
  return result(targets, name, {
    tool: {
      name: 'fxbench',
      version: '0.1.0',
      node: 'v20.20.0',
      platform: 'linux x64',
      cpus: 2,
      hostname: 'bench-host',
    },
    scenario: { name, file: `scenarios/${name}.ts`, description },
    startedAt,
    finishedAt: new Date(Date.parse(startedAt) + durationS * 1000).toISOString(),
    thresholds,
  });
}

/** Every phase kind a target can run, with every optional field set. */
function fullSpecs(warmMs: number, initMs: number, errorP: number): SimulatedPhaseSpec[] {
  const specs: SimulatedPhaseSpec[] = [
    {
      name: 'burst',
      kind: 'burst',
      round: 1,
      requests: 50,
      durationS: 1,
      warmMedianMs: warmMs,
      coldP: 1,
      initMedianMs: initMs,
    },
    { name: 'burst', kind: 'burst', round: 2, requests: 50, durationS: 1, warmMedianMs: warmMs, coldP: 0 },
  ];
  [1_000, 10_000, 60_000, 300_000, 900_000].forEach((gap, i) =>
    specs.push({
      name: 'keepalive',
      kind: 'keepalive',
      round: i + 1,
      requests: 20,
      durationS: 2,
      warmMedianMs: warmMs,
      coldP: Math.min(1, gap / 600_000),
      initMedianMs: initMs,
      idleGapMs: gap,
    }),
  );
  [1024, 65_536, 1_048_576].forEach((bytes) =>
    specs.push({
      name: 'payload',
      kind: 'payload',
      requests: 100,
      durationS: 2,
      warmMedianMs: warmMs,
      coldP: 0,
      payloadBytes: bytes,
    }),
  );
  [128, 256, 512, 1024].forEach((mb) =>
    specs.push({
      name: 'memory',
      kind: 'memory',
      requests: 100,
      durationS: 2,
      warmMedianMs: warmMs,
      coldP: 0.05,
      initMedianMs: initMs,
      memoryMB: mb,
    }),
  );
  specs.push({
    name: 'steady',
    kind: 'steady',
    requests: 1500,
    durationS: 30,
    warmMedianMs: warmMs,
    coldP: 0.01,
    initMedianMs: initMs,
    errorP,
    errorClass: 'throttled',
    rateRps: 50,
    late: 3,
    dropped: 0,
    timeline: true,
  });
  return specs;
}

/** Two targets, every phase kind, timelines, a ramp and thresholds. */
export function fullFixture(): Result {
  const r = rng(6);
  const clock = { s: 0 };
  const local = simulateTarget(
    { name: 'local-hello', provider: 'local', function: 'hello', memoryMB: 128, coldStartMethod: 'provider' },
    fullSpecs(4, 90, 0.004),
    r,
    clock,
    LOCAL_PRICE,
  );
  const aws = simulateTarget(
    {
      name: 'aws-hello',
      provider: 'aws-lambda',
      function: 'hello-arm',
      memoryMB: 512,
      region: 'us-east-1',
      coldStartMethod: 'provider',
    },
    fullSpecs(11, 240, 0.02),
    r,
    clock,
    AWS_PRICE,
  );
  aws.ramp = {
    kneeRps: 200,
    brokeAtRps: 400,
    slo: { p99Ms: 300, errorRate: 0.01 },
    steps: [
      { rateRps: 50, p99Ms: 31.5, errorRate: 0, ok: true },
      { rateRps: 100, p99Ms: 33.1, errorRate: 0, ok: true },
      { rateRps: 200, p99Ms: 48.9, errorRate: 0.001, ok: true },
      { rateRps: 400, p99Ms: 912.4, errorRate: 0.12, ok: false },
    ],
  };
  return fixtureResult(
    'cold-vs-warm',
    'Local runtime against Lambda: bursts, keep-alive, payload and memory sweeps, steady load',
    '2026-03-01T10:00:00.000Z',
    Math.ceil(clock.s),
    [local, aws],
    [
      {
        target: 'local-hello',
        metric: 'latency.p99',
        condition: '< 800ms',
        actual: local.summary!.latencyMs!.p99,
        ok: local.summary!.latencyMs!.p99 < 800,
      },
      { target: 'aws-hello', metric: 'errors.rate', condition: '< 1%', actual: 0.015, ok: false },
    ],
  );
}

/** The skeleton's own output shape: one target, one burst phase of 2 rounds, nothing optional. */
export function burstFixture(name = 'burst', seed = 1, warmMs = 4): Result {
  const r = rng(seed);
  const clock = { s: 0 };
  const t = simulateTarget(
    { name: 'local-hello', provider: 'local', function: 'hello', memoryMB: 128, coldStartMethod: 'provider' },
    [
      {
        name: 'burst',
        kind: 'burst',
        round: 1,
        requests: 20,
        durationS: 1,
        warmMedianMs: warmMs,
        coldP: 1,
        initMedianMs: 80,
      },
      { name: 'burst', kind: 'burst', round: 2, requests: 20, durationS: 1, warmMedianMs: warmMs, coldP: 0 },
    ],
    r,
    clock,
    LOCAL_PRICE,
  );
  return fixtureResult(name, '', seed === 1 ? '2026-03-02T08:00:00.000Z' : '2026-03-03T08:00:00.000Z', 4, [t], []);
}

/** Hostile strings in every place a scenario, target or function response puts text. */
export const XSS = '<script>window.__pwned=1;alert(1)</script></script>"><img src=x onerror="window.__pwned=2">\'';

/** A run whose names and messages try to inject markup. */
export function xssFixture(): Result {
  const result = fullFixture();
  result.scenario = { name: `xss ${XSS}`, file: `scenarios/${XSS}.ts`, description: `description ${XSS}` };
  const t = result.targets[0]!;
  t.name = `target ${XSS}`;
  t.function = `fn ${XSS}`;
  t.region = `region ${XSS}`;
  t.error = `error message from the function: ${XSS}`;
  for (const p of t.phases) {
    p.name = `phase ${XSS}`;
    if (p.cost) p.cost.priceSource = `price ${XSS}`;
  }
  result.targets[1]!.function = `${XSS}`;
  result.thresholds = result.thresholds.map((th, i) => ({
    ...th,
    target: result.targets[i]!.name,
    metric: `metric ${XSS}`,
    condition: `cond ${XSS}`,
  }));
  return result;
}

/** A million invocations (two targets × 500,000 at 500 req/s, 1000 s each), with per-second timelines. */
export function millionFixture(): Result {
  const r = rng(1_000_000);
  const clock = { s: 0 };
  const spec = (warm: number): SimulatedPhaseSpec => ({
    name: 'steady',
    kind: 'steady',
    requests: 500_000,
    durationS: 1000,
    warmMedianMs: warm,
    coldP: 0.0005,
    initMedianMs: 120,
    errorP: 0.001,
    rateRps: 500,
    late: 0,
    dropped: 0,
    timeline: true,
  });
  const a = simulateTarget(
    { name: 'local-hello', provider: 'local', function: 'hello', memoryMB: 128, coldStartMethod: 'provider' },
    [spec(3)],
    r,
    clock,
    LOCAL_PRICE,
  );
  const b = simulateTarget(
    { name: 'local-heavy', provider: 'local', function: 'heavy-init', memoryMB: 256, coldStartMethod: 'provider' },
    [spec(5)],
    r,
    clock,
    LOCAL_PRICE,
  );
  return fixtureResult(
    'million',
    'One million invocations',
    '2026-03-04T00:00:00.000Z',
    Math.ceil(clock.s),
    [a, b],
    [],
  );
}

/** test/fixtures */
/**
 * A memory sweep (Power Tuning's question): 128, 256, 512 and 1024 MB, two burst
 * rounds each (the first cold). 128 MB fails half its invocations out of memory,
 * so it is the cheapest priced size but no candidate.
 */
export function memorySweepFixture(): Result {
  const r = rng(17);
  const clock = { s: 0 };
  const specs: SimulatedPhaseSpec[] = [128, 256, 512, 1024].flatMap((mb) =>
    [1, 2].map(
      (round): SimulatedPhaseSpec => ({
        name: 'memory',
        kind: 'memory',
        round,
        requests: 10,
        durationS: 1,
        warmMedianMs: 40,
        coldP: round === 1 ? 1 : 0,
        initMedianMs: 200,
        memoryMB: mb,
        ...(mb === 128 ? { errorP: 0.5, errorClass: 'out-of-memory' as const } : {}),
      }),
    ),
  );
  const t = simulateTarget(
    { name: 'local-alloc', provider: 'local', function: 'alloc', memoryMB: 128, coldStartMethod: 'provider' },
    specs,
    r,
    clock,
    LOCAL_PRICE,
  );
  return fixtureResult('memory', 'Memory sweep', '2026-03-04T10:00:00.000Z', Math.ceil(clock.s), [t], []);
}

/**
 * A payload sweep each way, as scenarios/payload.ts runs it: requests of 1 KB to
 * 7 MB (7 MB is over Lambda's 6 MB limit: every invocation payload-too-large),
 * responses of 1 KB to 1 MB.
 */
export function payloadSweepFixture(): Result {
  const r = rng(23);
  const clock = { s: 0 };
  const MB = 1024 * 1024;
  const sweep = (name: string, sizes: number[], direction: 'request' | 'response'): SimulatedPhaseSpec[] =>
    sizes.map((bytes, i) => ({
      name,
      kind: 'payload',
      round: i + 1,
      requests: 5,
      durationS: 1,
      warmMedianMs: 10,
      coldP: 0,
      payloadBytes: bytes,
      ...(bytes > 6 * MB ? { errorP: 1, errorClass: 'payload-too-large' as const } : {}),
      ...(direction === 'response' ? { name } : {}),
    }));
  const t = simulateTarget(
    { name: 'local-echo', provider: 'local', function: 'echo', memoryMB: 256, coldStartMethod: 'provider' },
    [
      ...sweep('request', [1024, 65_536, MB, 6 * MB, 7 * MB], 'request'),
      ...sweep('response', [1024, 65_536, MB], 'response'),
    ],
    r,
    clock,
    LOCAL_PRICE,
  );
  for (const p of t.phases) p.payloadDirection = p.name === 'request' ? 'request' : 'response';
  return fixtureResult('payload', 'Payload sweep', '2026-03-05T10:00:00.000Z', Math.ceil(clock.s), [t], []);
}

/** A warmup of eight invocations from cold, settled after 3, the sixth failed (`latencyByInvocationMs` as the phase records it). */
export function warmupFixture(): Result {
  const r = burstFixture('warmup');
  const t = r.targets[0]!;
  t.phases = [
    {
      ...t.phases[0]!,
      name: 'warmup',
      kind: 'warmup',
      round: 1,
      settledAfter: 3,
      latencyByInvocationMs: [350, 40, 9, 2.1, 2.0, null, 2.2, 1.9],
    },
  ];
  return r;
}

export const FIXTURES_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures');

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const write = (name: string, result: Result) =>
    writeFileSync(path.join(FIXTURES_DIR, name), `${JSON.stringify(result, null, 2)}\n`);
  write('results-full.json', fullFixture());
  write('results-burst-a.json', burstFixture('burst', 1, 4));
  write('results-burst-b.json', burstFixture('burst', 2, 6));
  write('results-xss.json', xssFixture());
  write('results-million.json', millionFixture());
  process.stdout.write(`wrote ${FIXTURES_DIR}/results-*.json\n`);
}
