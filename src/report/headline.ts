/**
 * The headline every report leads with (index.html, summary.md, the terminal):
 * the verdict (thresholds, baseline, failed targets, interruption) and, per
 * target, the figures a reader would quote: cold-start rate, cold and warm
 * p99, cost per 1M invocations. Each figure is read straight from the target's
 * summary in results.json (never recomputed), or is n/a with the reason.
 */
import { formatMs, formatUSD } from '../units.ts';
import type { Result, TargetResult } from '../model/result.ts';
import { kindAnswers } from './answers.ts';
import { pct } from './format.ts';

/** One figure of the headline: its value as in results.json, or null with the reason. */
export interface HeadlineFigure {
  label: string;
  /** The number as results.json holds it (ms, fraction, USD); null when not known. */
  value: number | null;
  /** The value as printed ("12.34 ms", "5.0%", "$0.2292"), or "n/a". */
  text: string;
  /** Why the value is null; absent when it is known. */
  naReason?: string;
  /** Where it comes from in results.json (`targets[i].summary.warmLatencyMs.p99`). */
  path: string;
  /** For a cold-start rate: "n of m" (counts behind it). */
  detail?: string;
}

/** A target's headline. */
export interface HeadlineTarget {
  target: string;
  /** Set when the target failed (its figures cover what ran, if anything). */
  error?: string;
  coldStartRate: HeadlineFigure;
  coldP99: HeadlineFigure;
  warmP99: HeadlineFigure;
  costPerMillion: HeadlineFigure;
  /** Each phase kind's question answered in words (answers.ts). */
  answers: string[];
}

/** The verdict of a run in a word and a sentence. */
export interface HeadlineVerdict {
  status: 'pass' | 'fail' | 'no gates' | 'interrupted';
  text: string;
}

/** What the report knows of a `--baseline` comparison, when one was made. */
export interface BaselineOutcome {
  ok: boolean;
  regressions: number;
  file?: string;
  /** Set when the verdict cannot fail the run (a history window too short): why. */
  advisory?: string;
}

export interface Headline {
  verdict: HeadlineVerdict;
  /** Set when the machine was busier than its cores when the run started: what that does to the figures. */
  busy?: string;
  targets: HeadlineTarget[];
}

/** Load average per core at a run's start above which the run is said to be on a busy machine. */
export const BUSY_LOAD_PER_CORE = 1.5;

/**
 * A run started on a machine with much more runnable work than cores (1-minute
 * load average above 1.5 × the core count when it started) measured waiting for CPU too: say
 * so beside the verdict. Only the start counts: by the end the load average holds
 * the run's own processes (a burst of 20 local instances lifts it above 2 on 2
 * cores), which is no reason to doubt the run. Local-runtime instances run at a lower priority than the
 * generator, so their cold starts suffer most (measured here: a Node init of
 * ≈ 0.15 s took 2–4 s at load 9 on 2 cores).
 */
export function busyNote(result: Result): string | undefined {
  const load = result.tool.load;
  const cpus = result.tool.cpus;
  if (!load || !cpus) return undefined;
  // Above 1.5 × the cores: the 1-minute average trails (a run just before this one still counts in it),
  // and a little more work than cores costs little; at 3× the cores here a cold start took 3× as long.
  if (load.start <= BUSY_LOAD_PER_CORE * cpus) return undefined;
  return `busy machine: load average ${load.start.toFixed(1)} on ${cpus} core${cpus === 1 ? '' : 's'} when the run started; latencies include waiting for CPU, and the local runtime's cold starts most of all (its instances run at a lower priority than the generator). Compare only with runs on an equally quiet machine, or use an A/B scenario`;
}

const na = (label: string, path: string, naReason: string): HeadlineFigure => ({
  label,
  value: null,
  text: 'n/a',
  naReason,
  path,
});

/** The run's verdict: thresholds, baseline, failed targets, interruption. */
export function headlineVerdict(result: Result, baseline?: BaselineOutcome): HeadlineVerdict {
  const parts: string[] = [];
  let failed = false;
  const th = result.thresholds;
  if (th.length) {
    const crossed = th.filter((t) => !t.ok).length;
    parts.push(crossed ? `${crossed} of ${th.length} thresholds crossed` : `all ${th.length} thresholds held`);
    failed ||= crossed > 0;
  }
  if (baseline) {
    parts.push(
      (baseline.ok
        ? 'no regression against the baseline'
        : `${baseline.regressions} regression${baseline.regressions === 1 ? '' : 's'} against the baseline`) +
        (baseline.advisory ? ` (advisory: ${baseline.advisory})` : ''),
    );
    failed ||= !baseline.ok && !baseline.advisory;
  }
  const broken = result.targets.filter((t) => t.error);
  if (broken.length) {
    parts.push(`${broken.length} of ${result.targets.length} targets failed`);
    failed = true;
  }
  if (result.abortedByThreshold) parts.push('stopped early by a threshold');
  if (result.interrupted) return { status: 'interrupted', text: ['interrupted: partial result', ...parts].join('; ') };
  if (!th.length && !baseline && !broken.length)
    return { status: 'no gates', text: 'no thresholds set and no baseline compared: figures only' };
  return { status: failed ? 'fail' : 'pass', text: parts.join('; ') };
}

/** The headline figures of one target, each read from its summary. */
export function headlineTarget(t: TargetResult, index: number): HeadlineTarget {
  const s = t.summary;
  const base = `targets[${index}].summary`;
  const out: HeadlineTarget = {
    target: t.name,
    ...(t.error ? { error: t.error } : {}),
    coldStartRate: na('cold-start rate', `${base}.coldStartRate`, 'no invocation ran'),
    coldP99: na('cold p99', `${base}.coldLatencyMs.p99`, 'no invocation ran'),
    warmP99: na('warm p99', `${base}.warmLatencyMs.p99`, 'no invocation ran'),
    costPerMillion: na('cost per 1M', `${base}.cost.perMillionUSD`, 'no invocation ran'),
    answers: [],
  };
  if (!s || s.requests === 0) return out;
  const coldNa = (s as { coldNa?: string }).coldNa;
  const cold = t.coldStartMethod === 'none' || coldNa !== undefined;
  const coldReason = coldNa ?? 'the target tells no cold start from a warm one';
  if (cold) {
    out.coldStartRate = na('cold-start rate', out.coldStartRate.path, coldReason);
    out.coldP99 = na('cold p99', out.coldP99.path, coldReason);
    out.warmP99 = na('warm p99', out.warmP99.path, coldReason);
  } else {
    const observed = (s as { coldObserved?: number }).coldObserved;
    out.coldStartRate = {
      label: 'cold-start rate',
      value: s.coldStartRate,
      text: pct(s.coldStartRate),
      path: out.coldStartRate.path,
      detail: `${s.coldStarts} of ${observed ?? s.requests}`,
    };
    out.coldP99 = s.coldLatencyMs
      ? ms('cold p99', out.coldP99.path, s.coldLatencyMs.p99)
      : na('cold p99', out.coldP99.path, 'no cold start observed');
    out.warmP99 = s.warmLatencyMs
      ? ms('warm p99', out.warmP99.path, s.warmLatencyMs.p99)
      : na('warm p99', out.warmP99.path, 'no warm invocation observed');
  }
  out.costPerMillion = s.cost
    ? {
        label: 'cost per 1M',
        value: s.cost.perMillionUSD,
        text: formatUSD(s.cost.perMillionUSD),
        path: out.costPerMillion.path,
        detail: s.cost.priceSource,
      }
    : na('cost per 1M', out.costPerMillion.path, 'no price for this provider');
  return out;
}

function ms(label: string, path: string, value: number): HeadlineFigure {
  return { label, value, text: `${formatMs(value)} ms`, path };
}

/** The whole headline. */
export function headline(result: Result, baseline?: BaselineOutcome): Headline {
  const answers = kindAnswers(result);
  const busy = busyNote(result);
  return {
    verdict: headlineVerdict(result, baseline),
    ...(busy ? { busy } : {}),
    targets: result.targets.map((t, i) => ({ ...headlineTarget(t, i), answers: answers.get(t.name) ?? [] })),
  };
}

/** The verdict's word as printed: PASS, FAIL, … */
export function verdictWord(v: HeadlineVerdict): string {
  return v.status === 'no gates' ? 'RAN' : v.status.toUpperCase();
}

/** The headline as plain lines (terminal and summary.md put it first). */
export function headlineLines(h: Headline): string[] {
  const lines = [`${verdictWord(h.verdict)}: ${h.verdict.text}`];
  if (h.busy) lines.push(h.busy);
  for (const t of h.targets) {
    const figs = [t.coldStartRate, t.coldP99, t.warmP99, t.costPerMillion].map(
      (f) => `${f.label} ${f.text}${f.value === null && f.naReason ? ` (${f.naReason})` : ''}`,
    );
    lines.push(`${t.target}: ${figs.join(' · ')}${t.error ? ` · failed: ${t.error}` : ''}`);
    for (const a of t.answers) lines.push(`  ${a}`);
  }
  return lines;
}
