/**
 * Compares a run with a window of accepted runs (the history gate): each metric
 * of each target against the band of the window's per-run values (band.ts). A
 * metric is a regression only when it is beyond the window's median plus its
 * allowance AND above the band (a prediction interval from the window, band.ts): a change the
 * run-to-run noise of this very setup explains is `noise`, never a failure.
 *
 * With fewer runs than `minRuns` carrying a figure the verdict is advisory: it
 * is computed and printed, but does not fail (the CLI exits 0 and says so)
 * unless the caller is strict.
 *
 * Window runs whose target ran other phases than the current run (the scenario
 * changed) are left out of that target's window, with a note.
 */
import type { Result, TargetResult } from '../model/result.ts';
import { DEFAULT_BAND_ALPHA, predictionBand } from './band.ts';
import { metricSamples, metricValue, targetFigures, type MetricRule, type TargetFigures } from './compare-metrics.ts';
import { allowedMax, type CompareVerdict, type MetricComparison, type TargetComparison } from './compare.ts';

/** Default number of accepted runs in a window. */
export const DEFAULT_WINDOW = 10;
/** Fewer runs than this carrying a figure make the verdict advisory. */
export const DEFAULT_MIN_RUNS = 5;

/** One run of the window: its targets (phases with encoded histograms), oldest first in a window. */
export interface WindowRun {
  runId?: number;
  startedAt: string;
  label: string | null;
  targets: TargetResult[];
}

/** Options for compareWithWindow. */
export interface WindowCompareOptions {
  rules: MetricRule[];
  /** Runs needed for a verdict that can fail (default DEFAULT_MIN_RUNS). */
  minRuns?: number;
  /** One-sided error of the band per metric (default DEFAULT_BAND_ALPHA, 1.5%). */
  alpha?: number;
  /** Where the window came from, for the verdict's header. */
  source: { file?: string; scenario: string; env: string };
  currentFile?: string;
}

const UNITS = { latency: 'ms', rate: 'fraction', cost: 'USD/1M' } as const;

/** Judges `current` against the runs of `window`. Never throws on data: targets with no window are n/a. */
export function compareWithWindow(window: WindowRun[], current: Result, opts: WindowCompareOptions): CompareVerdict {
  const minRuns = opts.minRuns ?? DEFAULT_MIN_RUNS;
  const bandAlpha = opts.alpha ?? DEFAULT_BAND_ALPHA;
  const notes: string[] = [];
  const targets: TargetComparison[] = [];
  let fewest = Infinity;
  for (const c of current.targets) {
    if (c.error) {
      targets.push({ target: c.name, metrics: [], error: c.error, regressions: 1 });
      continue;
    }
    const phases = phaseKey(c);
    const runs: TargetFigures[] = [];
    let otherPhases = 0;
    for (const w of window) {
      const t = w.targets.find((x) => x.name === c.name);
      if (!t || t.error) continue;
      if (phaseKey(t) !== phases) otherPhases++;
      else runs.push(targetFigures(t));
    }
    if (otherPhases)
      notes.push(
        `${c.name}: ${otherPhases} run${otherPhases === 1 ? '' : 's'} of the window ran other phases and ${otherPhases === 1 ? 'is' : 'are'} left out`,
      );
    fewest = Math.min(fewest, runs.length);
    const cf = targetFigures(c);
    const metrics = opts.rules.map((r) => judgeMetric(r, runs, cf, bandAlpha));
    targets.push({ target: c.name, metrics, regressions: metrics.filter((m) => m.verdict === 'regression').length });
  }
  if (!Number.isFinite(fewest)) fewest = 0;
  const regressions = targets.reduce((n, t) => n + t.regressions, 0);
  const advisory =
    fewest < minRuns
      ? `only ${fewest} accepted run${fewest === 1 ? '' : 's'} of ${opts.source.scenario} (environment ${opts.source.env}) in the window; ${minRuns} are needed before the gate can fail: this verdict is advisory`
      : undefined;
  if (current.interrupted) notes.push('the current run was interrupted: its figures are partial');
  const dates = window.map((w) => w.startedAt).sort();
  return {
    baseline: {
      file: opts.source.file,
      scenario: opts.source.scenario,
      startedAt: dates.length ? `${dates[0]} … ${dates[dates.length - 1]}` : 'no runs',
    },
    current: { file: opts.currentFile, scenario: current.scenario?.name ?? '', startedAt: current.startedAt },
    targets,
    regressions,
    ok: regressions === 0,
    notes,
    alpha: 0,
    mode: 'history',
    window: {
      runs: window.length,
      minRuns,
      alpha: bandAlpha,
      env: opts.source.env,
      labels: window.map((w) => w.label).filter((l): l is string => !!l),
    },
    advisory,
  };
}

function phaseKey(t: TargetResult): string {
  return [...new Set(t.phases.map((p) => p.name))].join('\u0000');
}

/** One metric against the band of the window's per-run values. */
export function judgeMetric(rule: MetricRule, runs: TargetFigures[], c: TargetFigures, bandAlpha = DEFAULT_BAND_ALPHA) {
  const values = runs.map((r) => metricValue(r, rule.metric));
  return judgeValues(rule, values, metricValue(c, rule.metric), metricSamples(c, rule.metric), bandAlpha);
}

/** The verdict of a current figure against the window's per-run figures (nulls: runs without one). */
export function judgeValues(
  rule: MetricRule,
  windowValues: (number | null)[],
  cur: number | null,
  currentSamples: number,
  bandAlpha = DEFAULT_BAND_ALPHA,
): MetricComparison {
  const m = rule.metric;
  const a = rule.allowance;
  const values = windowValues.filter((v): v is number => v !== null && Number.isFinite(v));
  const out: MetricComparison = {
    metric: m.name,
    kind: m.kind,
    unit: UNITS[m.kind],
    baseline: null,
    current: cur,
    change: null,
    allowance: a,
    allowanceText: rule.allowanceText,
    verdict: 'n/a',
    samples: { baseline: values.length, current: currentSamples },
  };
  if (!values.length || cur === null) {
    out.note = !values.length ? 'no run of the window has this figure' : 'no samples in the current run';
    return out;
  }
  const band = predictionBand(values, { log: m.kind !== 'rate', alpha: bandAlpha });
  out.band = band;
  const base = band.median;
  out.baseline = base;
  out.change = a.kind === 'relative' ? (base === 0 ? (cur === 0 ? 0 : Infinity) : (cur - base) / base) : cur - base;
  const beyondAllowance = cur > allowedMax(base, a);
  const belowAllowance = allowedMax(cur, a) < base;
  // No separate test of the run's own samples: the band is made of whole runs of the
  // same scenario, so it already holds the sampling noise of a figure resting on few
  // samples (a p50 of 2 cold starts varies more from run to run, and widens its band).
  if (beyondAllowance && cur > band.upper) out.verdict = 'regression';
  else if (belowAllowance && cur < band.lower) out.verdict = 'improved';
  else if (beyondAllowance) {
    out.verdict = 'noise';
    out.note = `beyond the allowance, but inside the run-to-run band of ${band.runs} runs (≤ ${fmtBand(band.upper, out.unit)})`;
  } else out.verdict = 'ok';
  if (band.left) {
    const wild = `${band.left} wild run${band.left === 1 ? '' : 's'} of the window (over 6 robust sigmas from its median) left out of the band`;
    out.note = out.note ? `${out.note}; ${wild}` : wild;
  }
  return out;
}

function fmtBand(x: number, unit: MetricComparison['unit']): string {
  return unit === 'ms' ? `${+x.toPrecision(4)} ms` : String(+x.toPrecision(3));
}
