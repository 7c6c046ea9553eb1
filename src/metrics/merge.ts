/**
 * Merges results of the same scenario run in pieces — `--workers N` processes
 * or `--shard i/N` runs on several machines — into one. Everything that adds,
 * adds exactly: counters, and the HdrHistograms (all, warm, cold, init, and each
 * second of the timeline), from which every percentile is recomputed. Shards run
 * at the same time, so throughputs and open-model rates add too. Distinct
 * instances: counted from the shards' instance ids where every shard lists them
 * (PhaseResult.instanceIds: one platform may serve several shards, as the local
 * runtime serves every `--workers` process); else their sum, an upper bound.
 */
import { FxError } from '../model/errors.ts';
import { mergeArrival } from '../model/arrival.ts';
import type { PhaseResult, Result, TargetResult } from '../model/result.ts';
import { decodeHistogram } from './histogram.ts';
import { emptyErrorCounts, initSplitSums, type Recorded } from './recorder.ts';
import { mergeTimelines } from './timeline.ts';
import { coldNaReason, mergeRecorded, phaseFigures } from './figures.ts';
import { findKnee, judgeStep } from './ramp-knee.ts';

type Figures = Omit<PhaseResult, 'name' | 'kind' | 'round'>;

/** Rebuilds what a recorder held from a phase's figures (the histograms carry the distribution). */
function recordedOf(p: Figures): Recorded {
  const warm = decodeHistogram(p.histograms.warm);
  const cold = decodeHistogram(p.histograms.cold);
  const total = p.cost?.totalUSD ?? 0;
  const per = p.cost?.perInvocationUSD ?? 0;
  return {
    requests: p.requests,
    ok: p.ok,
    errors: { ...emptyErrorCounts(), ...p.errors },
    coldStarts: p.coldStarts,
    coldUnknown: p.requests - warm.totalCount - cold.totalCount,
    coldMethods: { ...p.coldMethods },
    // Only the top causes travel in a result: what shards add is those.
    errorCauses: Object.fromEntries(
      Object.entries(p.errorCauses ?? {}).map(([cls, list]) => [cls, new Map(list.map((c) => [c.cause, c.count]))]),
    ),
    instances: p.instances ?? 0,
    ...(p.instanceIds ? { instanceIds: new Set(p.instanceIds) } : {}),
    bytesOut: p.bytesOut,
    bytesIn: p.bytesIn,
    costUSD: total,
    costed: per > 0 ? total / per : 0,
    // Means back to sums: shards' cold starts add exactly, each weighted by its count.
    initSplit: initSplitSums(p.initSplit),
    firstStartNs: 0,
    lastEndNs: 0,
    all: decodeHistogram(p.histograms.all),
    warm,
    cold,
    init: decodeHistogram(p.histograms.init),
  };
}

const sum = (xs: (number | undefined)[]): number | undefined =>
  xs.every((x) => x === undefined) ? undefined : xs.reduce<number>((a, x) => a + (x ?? 0), 0);

/** Adds the figures of one phase (or summary) from several shards. */
export function mergeFigures(list: Figures[]): Figures {
  const merged = mergeRecorded(list.map(recordedOf));
  const source = list.find((p) => p.cost)?.cost?.priceSource ?? null;
  const f = phaseFigures(merged, source);
  const out: Figures = { ...list[0], ...f, throughputRps: list.reduce((a, p) => a + p.throughputRps, 0) };
  delete out.instanceIds; // they served the count; a merged result is whole
  // n/a only when no shard observed a cold state; then keep the driver's reason, with the merged count.
  if (f.coldNa === undefined) delete out.coldNa;
  else {
    const missing = list.find((p) => p.coldNa)?.coldNa?.replace(/ \(\d+ of \d+ invocations unobserved\)$/, '');
    out.coldNa = coldNaReason(merged.requests, missing);
  }
  // Cost figures that came from throughput (self-hosted) are kept from the first shard rather than re-derived.
  if (!f.cost && list[0]!.cost) out.cost = list[0]!.cost;
  // Min and max are exact in each shard; a decoded histogram only knows their bucket.
  for (const k of ['latencyMs', 'warmLatencyMs', 'coldLatencyMs', 'initDurationMs'] as const) {
    const parts = list.map((p) => p[k]).filter((x) => x !== null);
    const m = out[k];
    if (m && parts.length)
      out[k] = { ...m, min: Math.min(...parts.map((x) => x.min)), max: Math.max(...parts.map((x) => x.max)) };
  }
  const optional = {
    late: sum(list.map((p) => p.late)),
    dropped: sum(list.map((p) => p.dropped)),
    rateRps: sum(list.map((p) => p.rateRps)),
    newInstances: sum(list.map((p) => p.newInstances)),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  if (list.some((p) => p.timeline)) out.timeline = mergeTimelines(list.map((p) => p.timeline));
  // A burst round split over shards on one platform: the union of what the platform stamped.
  const arrival = mergeArrival(list.map((p) => p.arrival).filter((a) => a !== undefined));
  if (arrival) out.arrival = arrival;
  return out;
}

function phaseKey(p: PhaseResult): string {
  return `${p.name}\u0000${p.kind}\u0000${p.round ?? ''}`;
}

/** Merges one target's results from several shards. */
export function mergeTargets(list: TargetResult[]): TargetResult {
  const first = list[0]!;
  const keys: string[] = [];
  const byKey = new Map<string, PhaseResult[]>();
  for (const t of list) {
    for (const p of t.phases) {
      const k = phaseKey(p);
      if (!byKey.has(k)) {
        keys.push(k);
        byKey.set(k, []);
      }
      byKey.get(k)!.push(p);
    }
  }
  const phases = keys.map((k) => {
    const ps = byKey.get(k)!;
    // mergeFigures keeps the first part's own fields (round, phase settings) and sets or drops the figures.
    return { ...mergeFigures(ps), name: ps[0]!.name, kind: ps[0]!.kind } as PhaseResult;
  });
  const summaries = list.map((t) => t.summary).filter((s): s is Figures => s !== null);
  const errors = [...new Set(list.map((t) => t.error).filter(Boolean))];
  const out: TargetResult = {
    ...first,
    coldStartMethod: list.find((t) => t.coldStartMethod !== 'none')?.coldStartMethod ?? first.coldStartMethod,
    phases,
    summary: summaries.length ? mergeFigures(summaries) : null,
  };
  if (errors.length) out.error = errors.join('; ');
  else delete out.error;
  const slo = list.find((t) => t.ramp?.slo)?.ramp?.slo;
  if (slo) {
    // Re-judge every step on the merged figures: a shard alone saw only its share.
    const steps = phases
      .filter((p) => p.kind === 'ramp' && p.rateRps !== undefined)
      .sort((a, b) => a.rateRps! - b.rateRps!)
      .map((p) => ({ rateRps: p.rateRps!, ...judgeStep(p, slo) }));
    out.ramp = { ...findKnee(steps), steps, slo };
  }
  return out;
}

/**
 * Merges shard results of one scenario into one Result. Throws FxError (exit 2)
 * when the inputs are not shards of the same scenario.
 */
export function mergeResults(list: Result[], files: string[] = list.map((_, i) => `input ${i + 1}`)): Result {
  if (!list.length) throw FxError.invalid([{ message: 'nothing to merge: give at least one results file' }]);
  const first = list[0]!;
  const issues = list.flatMap((r, i) => {
    const out = [];
    if (r.schemaVersion !== first.schemaVersion)
      out.push({
        file: files[i],
        field: 'schemaVersion',
        message: `expected ${first.schemaVersion} like ${files[0]}, got ${r.schemaVersion}`,
      });
    if (r.scenario?.name !== first.scenario?.name)
      out.push({
        file: files[i],
        field: 'scenario.name',
        message: `expected shards of one scenario: ${JSON.stringify(first.scenario?.name)} in ${files[0]}, got ${JSON.stringify(r.scenario?.name)}`,
      });
    return out;
  });
  if (issues.length) throw FxError.invalid(issues);
  const names: string[] = [];
  const byName = new Map<string, TargetResult[]>();
  for (const r of list) {
    for (const t of r.targets) {
      if (!byName.has(t.name)) {
        names.push(t.name);
        byName.set(t.name, []);
      }
      byName.get(t.name)!.push(t);
    }
  }
  const { shard: _shard, ...rest } = first;
  return {
    ...rest,
    startedAt: list.map((r) => r.startedAt).sort()[0]!,
    finishedAt: list
      .map((r) => r.finishedAt)
      .sort()
      .at(-1)!,
    interrupted: list.some((r) => r.interrupted),
    targets: names.map((n) => mergeTargets(byName.get(n)!)),
    // Thresholds are judged again on the merged figures by whoever has the scenario (run --workers does).
    thresholds: [],
  };
}
