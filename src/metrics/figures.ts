/**
 * From recorded counters and histograms to the result schema's figures: the
 * arithmetic between the recorder and results.json (phases of a target and shards
 * of a phase add exactly, since HdrHistograms add).
 */
import type { PhaseResult } from '../model/result.ts';
import { encodeHistogram, mergeHistograms, summarizeMs } from './histogram.ts';
import { type Recorded, zeroCounters } from './recorder.ts';
import type { ErrorCounts } from '../model/result.ts';

/** Adds recorded figures (phases of a target, shards of a phase) into new ones. */
export function mergeRecorded(list: Readonly<Recorded>[]): Recorded {
  const out: Recorded = {
    ...zeroCounters(),
    all: mergeHistograms(list.map((r) => r.all)),
    warm: mergeHistograms(list.map((r) => r.warm)),
    cold: mergeHistograms(list.map((r) => r.cold)),
    init: mergeHistograms(list.map((r) => r.init)),
  };
  for (const r of list) {
    out.requests += r.requests;
    out.ok += r.ok;
    for (const k of Object.keys(out.errors) as (keyof ErrorCounts)[]) out.errors[k] += r.errors[k];
    out.coldStarts += r.coldStarts;
    out.coldUnknown += r.coldUnknown;
    out.instances += r.instances; // an upper bound across phases; phases report their own
    out.bytesOut += r.bytesOut;
    out.bytesIn += r.bytesIn;
    out.costUSD += r.costUSD;
    out.costed += r.costed;
    out.firstStartNs = Math.min(out.firstStartNs, r.firstStartNs);
    out.lastEndNs = Math.max(out.lastEndNs, r.lastEndNs);
  }
  return out;
}

/** Turns recorded figures into the schema's phase figures. */
export function phaseFigures(
  r: Readonly<Recorded>,
  priceSource: string | null,
): Omit<PhaseResult, 'name' | 'kind' | 'round'> {
  const spanS = r.lastEndNs > r.firstStartNs ? (r.lastEndNs - r.firstStartNs) / 1e9 : 0;
  const perInvocation = r.costed ? r.costUSD / r.costed : 0;
  const known = r.requests - r.coldUnknown;
  return {
    requests: r.requests,
    ok: r.ok,
    errors: { ...r.errors },
    coldStarts: r.coldStarts,
    coldStartRate: known ? r.coldStarts / known : 0,
    instances: r.instances || undefined,
    latencyMs: summarizeMs(r.all),
    warmLatencyMs: summarizeMs(r.warm),
    coldLatencyMs: summarizeMs(r.cold),
    initDurationMs: summarizeMs(r.init),
    throughputRps: spanS ? r.requests / spanS : 0,
    bytesOut: r.bytesOut,
    bytesIn: r.bytesIn,
    cost:
      priceSource && r.costed
        ? { perInvocationUSD: perInvocation, perMillionUSD: perInvocation * 1e6, totalUSD: r.costUSD, priceSource }
        : null,
    histograms: {
      all: encodeHistogram(r.all),
      warm: encodeHistogram(r.warm),
      cold: encodeHistogram(r.cold),
      init: encodeHistogram(r.init),
    },
  };
}

/** Counts every error class of a phase. */
export function errorTotal(p: Pick<PhaseResult, 'errors'>): number {
  return Object.values(p.errors).reduce((a, b) => a + b, 0);
}
