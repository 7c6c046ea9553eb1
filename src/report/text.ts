/**
 * The summary table printed to the terminal after a run: per target and phase,
 * requests, errors, cold starts, latency percentiles in ms and cost per 1M.
 */
import { headline, headlineLines } from './headline.ts';
import {
  DELTA_METRICS,
  deltaRows,
  formatDelta,
  formatDeltaPct,
  formatFigure,
  groupedByTarget,
} from './side-by-side.ts';
import { formatMs, formatUSD } from '../units.ts';
import type { PhaseResult, Result } from '../model/result.ts';
import { causesNote, phaseLabel } from './format.ts';
import { coldNaNotes, errorTotal, initWaitNotes } from '../metrics/figures.ts';

/** Lays out rows as a fixed-width table; numbers right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Renders the result summary table. */
export function formatSummary(result: Result): string {
  const header = [
    'target',
    'phase',
    'req',
    'err',
    'cold',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'max ms',
    'init p50',
    '$/1M inv',
  ];
  const rows: string[][] = [];
  // Side by side, a target's runs sit together.
  for (const t of groupedByTarget(result).map((i) => result.targets[i]!)) {
    if (t.error) rows.push([t.name, `error: ${t.error}`, '', '', '', '', '', '', '', '', '']);
    for (const p of t.phases) {
      const l = p.latencyMs;
      rows.push([
        t.name,
        phaseLabel(p),
        String(p.requests),
        String(errorTotal(p)),
        p.coldNa !== undefined ? 'n/a' : String(p.coldStarts),
        formatMs(l?.p50),
        formatMs(l?.p90),
        formatMs(l?.p99),
        formatMs(l?.max),
        formatMs(p.initDurationMs?.p50),
        formatUSD(p.cost?.perMillionUSD),
      ]);
    }
  }
  const lines = [...headlineLines(headline(result)), '', table(header, rows)];
  if (result.runs?.length) {
    const deltas = deltaRows(result).map((r) => [
      r.target,
      r.run,
      ...DELTA_METRICS.flatMap((m) => {
        const c = r.cells[m.key]!;
        return [
          formatFigure(m.unit, c.value),
          r.first ? '' : `${formatDelta(m.unit, c.delta)} ${formatDeltaPct(c.deltaPct)}`.trim(),
        ];
      }),
    ]);
    lines.push(
      '',
      'change against the first run:',
      table(['target', 'run', ...DELTA_METRICS.flatMap((m) => [m.label, 'Δ'])], deltas),
    );
  }
  const sources = [...new Set(result.targets.flatMap((t) => t.phases.map((p) => p.cost?.priceSource).filter(Boolean)))];
  if (sources.length) lines.push(`cost: ${sources.join('; ')}`);
  for (const t of result.targets)
    if (t.summary?.cost?.basis?.length) lines.push(`cost basis: ${t.name}: ${t.summary.cost.basis.join(', ')}`);
  const errored = result.targets.flatMap((t) =>
    t.phases
      .filter((p) => errorTotal(p) > 0)
      .map(
        (p) =>
          `${t.name}/${phaseLabel(p)}: ${Object.entries(p.errors)
            .filter(([, n]) => n)
            .map(([k, n]) => `${n} ${k}${causesNote(p, k)}`)
            .join(', ')}`,
      ),
  );
  if (errored.length) lines.push(`errors: ${errored.join('; ')}`);
  const coldNa = coldNaNotes(result.targets, phaseLabel);
  if (coldNa.length) lines.push(`cold n/a: ${coldNa.join('; ')}`);
  lines.push(...arrivalLines(result));
  for (const note of initWaitNotes(result.targets)) lines.push(`init ${note}`);
  if (result.interrupted) lines.push('interrupted: partial result');
  return lines.join('\n');
}

/**
 * Burst rounds stamped by the platform: how simultaneous each really was (first
 * to last accepted, spread of cold-start begins), and one line on a round that
 * was not all cold, with the reason. Rounds that raise no question are summed up
 * in one line per target and phase (a burst of 200 rounds printed 200 lines):
 * those with no cold start, and, when a phase has several, those that were all
 * cold. A round of one invocation has no spread and is left out.
 */
export function arrivalLines(result: Result): string[] {
  const out: string[] = [];
  for (const t of result.targets) {
    type Group = { rounds: number; maxSpreadMs: number; maxBeginMs: number; first: PhaseResult };
    const warm = new Map<string, Group>();
    const cold = new Map<string, Group>();
    const add = (m: Map<string, Group>, p: PhaseResult, a: NonNullable<PhaseResult['arrival']>) => {
      const g = m.get(p.name) ?? { rounds: 0, maxSpreadMs: 0, maxBeginMs: 0, first: p };
      g.rounds++;
      g.maxSpreadMs = Math.max(g.maxSpreadMs, a.spreadMs);
      g.maxBeginMs = Math.max(g.maxBeginMs, a.coldBeginSpreadMs ?? 0);
      m.set(p.name, g);
    };
    const notAllCold: string[] = [];
    for (const p of t.phases) {
      const a = p.arrival;
      if (!a || (a.stamped < 2 && !a.notAllCold)) continue;
      if (a.notAllCold) {
        const begins =
          a.coldBeginSpreadMs === null ? 'no cold start' : `cold starts began over ${formatMs(a.coldBeginSpreadMs)} ms`;
        notAllCold.push(
          `arrival ${t.name}/${phaseLabel(p)}: ${a.stamped} accepted over ${formatMs(a.spreadMs)} ms, ${begins}`,
          `  ${t.name}/${phaseLabel(p)}: ${a.notAllCold}`,
        );
      } else add(a.coldBeginSpreadMs === null ? warm : cold, p, a);
    }
    for (const [phase, g] of cold) {
      const a = g.first.arrival!;
      out.push(
        g.rounds === 1
          ? `arrival ${t.name}/${phaseLabel(g.first)}: ${a.stamped} accepted over ${formatMs(a.spreadMs)} ms, cold starts began over ${formatMs(a.coldBeginSpreadMs!)} ms`
          : `arrival ${t.name}/${phase}: ${g.rounds} rounds all cold, each accepted within ${formatMs(g.maxSpreadMs)} ms, cold starts began within ${formatMs(g.maxBeginMs)} ms`,
      );
    }
    out.push(...notAllCold);
    for (const [phase, w] of warm)
      out.push(
        `arrival ${t.name}/${phase}: ${w.rounds} round${w.rounds === 1 ? '' : 's'} with no cold start, each accepted within ${formatMs(w.maxSpreadMs)} ms`,
      );
  }
  return out;
}
