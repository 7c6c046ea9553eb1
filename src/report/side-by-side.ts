/**
 * Side by side (`fxbench report a.json b.json`): each target of the combined
 * result split back into its run and its own name, targets grouped by name
 * across runs, and each figure's change (absolute and %) against the first run
 * that has the target. Pure; html-sections.ts and text.ts lay it out.
 */
import type { Result, TargetResult } from '../model/result.ts';
import { formatMs, formatUSD } from '../units.ts';
import { pct } from './format.ts';

/** A combined target: its run and its own name. */
export interface RunTarget {
  run: string;
  runIndex: number;
  target: string;
}

/** Splits `<run label> · <target>` (combine.ts); a result without runs has one run, ''. */
export function runTarget(result: Result, name: string): RunTarget {
  const runs = result.runs ?? [];
  const runIndex = runs.findIndex((r) => name.startsWith(`${r.label} · `));
  return runIndex < 0
    ? { run: '', runIndex: 0, target: name }
    : { run: runs[runIndex]!.label, runIndex, target: name.slice(runs[runIndex]!.label.length + 3) };
}

/** Target indexes grouped by target name (first appearance order), runs in order within a group. */
export function groupedByTarget(result: Result): number[] {
  const split = result.targets.map((t, i) => ({ i, ...runTarget(result, t.name) }));
  const order = [...new Set(split.map((s) => s.target))];
  return split
    .sort((a, b) => order.indexOf(a.target) - order.indexOf(b.target) || a.runIndex - b.runIndex)
    .map((s) => s.i);
}

/** The figures compared across runs. */
export const DELTA_METRICS: {
  key: string;
  label: string;
  unit: 'ms' | 'rate' | 'usd';
  get: (t: TargetResult) => number | null;
}[] = [
  { key: 'p50', label: 'p50', unit: 'ms', get: (t) => t.summary?.latencyMs?.p50 ?? null },
  { key: 'p99', label: 'p99', unit: 'ms', get: (t) => t.summary?.latencyMs?.p99 ?? null },
  { key: 'warmP99', label: 'warm p99', unit: 'ms', get: (t) => t.summary?.warmLatencyMs?.p99 ?? null },
  {
    key: 'coldRate',
    label: 'cold-start rate',
    unit: 'rate',
    get: (t) =>
      !t.summary || t.coldStartMethod === 'none' || (t.summary as { coldNa?: string }).coldNa !== undefined
        ? null
        : t.summary.coldStartRate,
  },
  { key: 'cost', label: '$ / 1M', unit: 'usd', get: (t) => t.summary?.cost?.perMillionUSD ?? null },
];

/** One figure of one run of a target, with its change against the first run. */
export interface DeltaCell {
  value: number | null;
  /** value − first run's value; null for the first run or when either is unknown. */
  delta: number | null;
  /** delta / first run's value; null when that is 0 or unknown. */
  deltaPct: number | null;
}

export interface DeltaRow {
  target: string;
  run: string;
  /** Index into result.targets. */
  index: number;
  first: boolean;
  cells: Record<string, DeltaCell>;
}

/** Every target of every run, grouped by target, each figure against the target's first run. */
export function deltaRows(result: Result): DeltaRow[] {
  const firstOf = new Map<string, TargetResult>();
  return groupedByTarget(result).map((i) => {
    const t = result.targets[i]!;
    const { run, target } = runTarget(result, t.name);
    const base = firstOf.get(target);
    if (!base) firstOf.set(target, t);
    const cells: Record<string, DeltaCell> = {};
    for (const m of DELTA_METRICS) {
      const value = m.get(t);
      const was = base ? m.get(base) : null;
      const delta = base && value !== null && was !== null ? value - was : null;
      cells[m.key] = { value, delta, deltaPct: delta !== null && was ? delta / was : null };
    }
    return { target, run, index: i, first: !base, cells };
  });
}

/** A figure in its unit. */
export function formatFigure(unit: 'ms' | 'rate' | 'usd', v: number | null): string {
  if (v === null) return 'n/a';
  if (unit === 'ms') return `${formatMs(v)} ms`;
  if (unit === 'rate') return pct(v);
  return formatUSD(v);
}

/** A change: signed, in the unit (rates in percentage points). */
export function formatDelta(unit: 'ms' | 'rate' | 'usd', d: number | null): string {
  if (d === null) return '';
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const x = Math.abs(d);
  if (unit === 'ms') return `${sign}${formatMs(x)} ms`;
  if (unit === 'rate') return `${sign}${(x * 100).toFixed(1)} pp`;
  return `${sign}${formatUSD(x)}`;
}

/** A relative change: "+12.3%". */
export function formatDeltaPct(p: number | null): string {
  if (p === null) return '';
  return `${p > 0 ? '+' : p < 0 ? '−' : '±'}${(Math.abs(p) * 100).toFixed(1)}%`;
}
