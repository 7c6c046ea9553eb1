/**
 * Synthetic results for compare tests: real Recorders fed seeded samples, so the
 * histograms, counters and cost are exactly what a run would write.
 */
import { Recorder } from '../../src/metrics/recorder.ts';
import { SCHEMA_VERSION, type PhaseResult, type Result, type TargetResult } from '../../src/model/result.ts';
import { phaseFigures } from '../../src/metrics/figures.ts';

/** A seeded PRNG (mulberry32): the same seed gives the same samples. */
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

/** `n` log-normal latencies in µs around `medianMs` (sigma 0.2 unless given). */
export function lognormalUs(n: number, medianMs: number, seed: number, sigma = 0.2): number[] {
  const r = rng(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    // Box–Muller.
    const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    out.push(medianMs * 1000 * Math.exp(sigma * z));
  }
  return out;
}

/** What one synthetic phase holds. */
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

/** A phase result built from samples through a real Recorder. */
export function phase(spec: PhaseSpec): PhaseResult {
  const rec = new Recorder();
  let seq = 0;
  const cost = spec.costUSD ?? ((us: number) => 2e-7 + 1e-9 * (us / 1000));
  const add = (latencyUs: number, cold: boolean, failed: boolean) =>
    rec.add({
      target: 't', phase: spec.name ?? 'burst', round: spec.round ?? 1, seq: seq++, intendedNs: seq * 1e6, startNs: seq * 1e6, latencyUs,
      status: 200, errorClass: failed ? 'function-error' : null, bytesIn: 10, bytesOut: 2, cold, coldMethod: 'provider',
      initMs: cold ? spec.initMs ?? 50 : undefined, costUSD: failed ? undefined : cost(latencyUs),
    });
  for (const us of spec.coldUs ?? []) add(us, true, false);
  (spec.warmUs ?? []).forEach((us, i) => add(us, false, i < (spec.errors ?? 0)));
  return { name: spec.name ?? 'burst', kind: 'burst', ...(spec.round ? { round: spec.round } : {}), ...phaseFigures(rec.recorded, 'synthetic prices') };
}

/** A target result with these phases (summary left null: compare must not need it). */
export function target(name: string, phases: PhaseResult[]): TargetResult {
  return { name, provider: 'local', function: name, memoryMB: 128, coldStartMethod: 'provider', phases, summary: null };
}

/** A whole result. */
export function result(targets: TargetResult[], scenario = 'synthetic'): Result {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'fxbench', version: 'test', node: process.version, platform: 'test', cpus: 2 },
    scenario: { name: scenario, file: `scenarios/${scenario}.ts` },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:10.000Z',
    interrupted: false,
    targets,
    thresholds: [],
  };
}
