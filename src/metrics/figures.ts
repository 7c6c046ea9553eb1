/**
 * From recorded counters and histograms to the result schema's figures: the
 * arithmetic between the recorder and results.json (phases of a target and shards
 * of a phase add exactly, since HdrHistograms add).
 */
import type { InitSplit, PhaseResult, TargetResult } from '../model/result.ts';
import { encodeHistogram, mergeHistograms, summarizeMs } from './histogram.ts';
import { addCause, initSplitSums, type Recorded, zeroCounters } from './recorder.ts';
import type { ErrorCounts } from '../model/result.ts';
import type { ColdMethod, ErrorClass } from '../model/invocation.ts';

const SPLIT_KEYS = ['observed', 'initMs', 'cpuMs', 'waitMs'] as const;

/** Adds recorded figures (phases of a target, shards of a phase) into new ones. */
export function mergeRecorded(list: Readonly<Recorded>[]): Recorded {
  const out: Recorded = {
    ...zeroCounters(),
    all: mergeHistograms(list.map((r) => r.all)),
    warm: mergeHistograms(list.map((r) => r.warm)),
    cold: mergeHistograms(list.map((r) => r.cold)),
    init: mergeHistograms(list.map((r) => r.init)),
  };
  // Distinct instances across the parts where each knows its ids (phases of one run); else the sum, an upper bound (shards).
  if (list.every((r) => r.instanceIds)) {
    const ids = new Set<string>();
    for (const r of list) for (const id of r.instanceIds!) ids.add(id);
    out.instances = ids.size;
    out.instanceIds = ids;
  } else out.instances = list.reduce((a, r) => a + r.instances, 0);
  for (const r of list) {
    out.requests += r.requests;
    out.ok += r.ok;
    for (const k of Object.keys(out.errors) as (keyof ErrorCounts)[]) out.errors[k] += r.errors[k];
    for (const [cls, m] of Object.entries(r.errorCauses) as [ErrorClass, Map<string, number>][])
      for (const [cause, n] of m) addCause(out.errorCauses, cls, cause, n);
    out.coldStarts += r.coldStarts;
    out.coldUnknown += r.coldUnknown;
    for (const [m, n] of Object.entries(r.coldMethods) as [ColdMethod, number][])
      out.coldMethods[m] = (out.coldMethods[m] ?? 0) + n;

    out.bytesOut += r.bytesOut;
    out.bytesIn += r.bytesIn;
    out.costUSD += r.costUSD;
    out.costed += r.costed;
    for (const k of SPLIT_KEYS) out.initSplit[k] += r.initSplit[k];
    out.firstStartNs = Math.min(out.firstStartNs, r.firstStartNs);
    out.lastEndNs = Math.max(out.lastEndNs, r.lastEndNs);
  }
  return out;
}

/**
 * Why a phase's cold starts are n/a: no invocation's cold/warm state was observed.
 * `missing` is the driver's word for the signal it looked for (e.g. "no REPORT
 * log tail in the responses").
 */
export function coldNaReason(requests: number, missing?: string): string {
  if (!requests) return 'no invocations';
  return `${missing ?? 'no cold-start signal in the responses'} (${requests} of ${requests} invocations unobserved)`;
}

/** The method that observed most of a phase's cold/warm states; 'none' when none was observed. */
export function observedMethod(methods: Partial<Record<ColdMethod, number>> | undefined): ColdMethod | 'none' {
  let best: ColdMethod | 'none' = 'none';
  let most = 0;
  for (const [m, n] of Object.entries(methods ?? {}) as [ColdMethod, number][]) if (n > most) [best, most] = [m, n];
  return best;
}

/** Cold starts as a report cell: `n (r%)` from observed invocations, or `n/a` when none was observed. */
export function coldCell(
  p: Pick<PhaseResult, 'coldStarts' | 'coldStartRate' | 'coldNa'>,
  pct: (x: number) => string,
): string {
  return p.coldNa !== undefined ? 'n/a' : `${p.coldStarts} (${pct(p.coldStartRate)})`;
}

/**
 * Why cold starts are n/a, one line per target whose summary is n/a, else per
 * phase that is: `target: reason` / `target/phase: reason`. Empty when every
 * figure was observed.
 */
export function coldNaNotes(
  targets: readonly Pick<TargetResult, 'name' | 'phases' | 'summary'>[],
  label: (p: PhaseResult) => string,
): string[] {
  return targets.flatMap((t) =>
    t.summary?.coldNa !== undefined
      ? [`${t.name}: ${t.summary.coldNa}`]
      : t.phases.filter((p) => p.coldNa !== undefined).map((p) => `${t.name}/${label(p)}: ${p.coldNa}`),
  );
}

/**
 * Where cold starts spent their init waiting for a CPU longer than on one (and
 * at least INIT_WAIT_NOTE_MS): one note per target and phase name (its rounds
 * together), `target/phase: …`, saying that the init figures, and the cost
 * projected from them, hold this machine's contention, not only the function's
 * start. Empty when no phase's init was split or none waited so.
 */
export function initWaitNotes(targets: readonly Pick<TargetResult, 'name' | 'phases'>[]): string[] {
  const out: string[] = [];
  for (const t of targets) {
    const byPhase = new Map<string, Recorded['initSplit']>();
    for (const p of t.phases) {
      if (!p.initSplit) continue;
      const g = byPhase.get(p.name) ?? initSplitSums(undefined);
      const s = initSplitSums(p.initSplit);
      for (const k of SPLIT_KEYS) g[k] += s[k];
      byPhase.set(p.name, g);
    }
    for (const [phase, g] of byPhase) {
      const [init, cpu, wait] = [g.initMs / g.observed, g.cpuMs / g.observed, g.waitMs / g.observed];
      if (wait <= cpu || wait < INIT_WAIT_NOTE_MS) continue;
      const ms = (x: number) => `${x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US')} ms`;
      out.push(
        `${t.name}/${phase}: of ${ms(init)} init (mean of ${g.observed} cold start${g.observed === 1 ? '' : 's'}), ${ms(wait)} waiting for a CPU and ${ms(cpu)} on one: the runtime machine's cores were taken (instances booting at once, or other load); the init figures and the cost projected from them include that wait`,
      );
    }
  }
  return out;
}

/** Below this mean wait for a CPU during init, ms, initWaitNotes says nothing. */
export const INIT_WAIT_NOTE_MS = 10;

/**
 * Turns recorded figures into the schema's phase figures. Cold starts count
 * only invocations whose cold state was observed; with none observed, `coldNa`
 * says why (`coldMissing`: the driver's word for the signal it found missing).
 */
export function phaseFigures(
  r: Readonly<Recorded>,
  priceSource: string | null,
  coldMissing?: string,
  /** A shard's figures: list the instance ids for the merge (PhaseResult.instanceIds). */
  shard = false,
): Omit<PhaseResult, 'name' | 'kind' | 'round'> {
  const spanS = r.lastEndNs > r.firstStartNs ? (r.lastEndNs - r.firstStartNs) / 1e9 : 0;
  const perInvocation = r.costed ? r.costUSD / r.costed : 0;
  const known = r.requests - r.coldUnknown;
  return {
    requests: r.requests,
    ok: r.ok,
    errors: { ...r.errors },
    ...(Object.keys(r.errorCauses).length ? { errorCauses: topCauses(r.errorCauses) } : {}),
    coldStarts: r.coldStarts,
    coldStartRate: known ? r.coldStarts / known : 0,
    coldObserved: known,
    ...(Object.keys(r.coldMethods).length ? { coldMethods: { ...r.coldMethods } } : {}),
    ...(known ? {} : { coldNa: coldNaReason(r.requests, coldMissing) }),
    instances: r.instances || undefined,
    ...(shard && r.instanceIds ? { instanceIds: [...r.instanceIds].sort() } : {}),
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
    ...(r.initSplit.observed ? { initSplit: initSplitMeans(r.initSplit) } : {}),
    histograms: {
      all: encodeHistogram(r.all),
      warm: encodeHistogram(r.warm),
      cold: encodeHistogram(r.cold),
      init: encodeHistogram(r.init),
    },
  };
}

/** Recorded init splits (sums) as the schema's means, ms to 0.1. */
function initSplitMeans(s: Recorded['initSplit']): InitSplit {
  const mean = (x: number) => Math.round((x / s.observed) * 10) / 10;
  return { observed: s.observed, initMs: mean(s.initMs), cpuMs: mean(s.cpuMs), waitMs: mean(s.waitMs) };
}

/** The 3 most frequent causes of each error class, most first (ties by name). */
export function topCauses(causes: Recorded['errorCauses']): NonNullable<PhaseResult['errorCauses']> {
  const out: NonNullable<PhaseResult['errorCauses']> = {};
  for (const [cls, m] of Object.entries(causes) as [ErrorClass, Map<string, number>][])
    out[cls] = [...m]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 3)
      .map(([cause, count]) => ({ cause, count }));
  return out;
}

/** Counts every error class of a phase. */
export function errorTotal(p: Pick<PhaseResult, 'errors'>): number {
  return Object.values(p.errors).reduce((a, b) => a + b, 0);
}
