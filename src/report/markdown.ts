/**
 * summary.md: a Markdown summary sized for a CI job page (GitHub's
 * GITHUB_STEP_SUMMARY): one row per target, thresholds with pass/fail, and the
 * per-phase table folded in a <details>. Text from scenarios, targets and
 * function responses is escaped, so it can neither format nor inject markup.
 */
import { formatFleet } from './fleet.ts';
import { type BaselineOutcome, headline, headlineLines } from './headline.ts';
import { formatMs, formatUSD } from '../units.ts';
import { phaseLabel } from './format.ts';
import { errorBreakdown, int, pct, priceSources, when } from './format.ts';
import type { PhaseResult, Result } from '../model/result.ts';
import { coldNaNotes, errorTotal, initWaitNotes } from '../metrics/figures.ts';

/** Escapes text for a Markdown table cell: no markup, no formatting, no cell breaks. */
export function escapeMarkdown(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/\r?\n|\r/g, ' ');
}

const m = escapeMarkdown;

function mdTable(head: string[], align: ('l' | 'r' | 'c')[], rows: string[][]): string {
  const sep = align.map((a) => (a === 'l' ? ':---' : a === 'r' ? '---:' : ':---:'));
  return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

type Figures = Omit<PhaseResult, 'name' | 'kind' | 'round'>;

function errorsCell(p: Figures): string {
  const n = errorTotal(p);
  return n ? `${int(n)} (${pct(p.requests ? n / p.requests : 0)}: ${m(errorBreakdown(p))})` : '0';
}

/** summary.md */
export function renderMarkdown(result: Result, opts: { baseline?: BaselineOutcome } = {}): string {
  const out: string[] = [];
  const durationS = (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
  const tool = result.tool;
  out.push(`### fxbench · ${m(result.scenario.name)}`, '');
  const h = headline(result, opts.baseline);
  const [verdict, ...perTarget] = headlineLines({ ...h, busy: undefined });
  out.push(`**${m(verdict!.replace(/:.*$/, ''))}**${m(verdict!.replace(/^[^:]*/, ''))}`, '');
  if (h.busy) out.push(`> ${m(h.busy)}`, '');
  if (result.fleet) out.push('```', formatFleet(result), '```', '');
  out.push(...perTarget.map((l) => (l.startsWith('  ') ? `  - ${m(l.trim())}` : `- ${m(l)}`)), '');
  if (result.scenario.description) out.push(m(result.scenario.description), '');
  out.push(
    `${m(result.scenario.file)} · started ${m(when(result.startedAt))} · ${result.runs?.length ? `${result.runs.length} runs` : `took ${Number.isFinite(durationS) ? durationS.toFixed(1) : '-'} s`} · fxbench ${m(tool.version)} · Node ${m(tool.node)} · ${tool.hostname ? `${m(tool.hostname)}, ` : ''}${m(tool.platform)}, ${tool.cpus} CPUs`,
    '',
  );
  if (result.runs?.length) {
    out.push(
      mdTable(
        ['run', 'scenario', 'started', 'results file'],
        ['l', 'l', 'l', 'l'],
        result.runs.map((r) => [m(r.label), m(r.scenario.name), m(when(r.startedAt)), m(r.file)]),
      ),
      '',
    );
  }
  if (result.interrupted) out.push('> **Interrupted**: the figures cover what ran before the run stopped.', '');
  if (result.abortedByThreshold) out.push(`> **Stopped by a threshold**: ${m(result.abortedByThreshold)}`, '');

  out.push(
    mdTable(
      [
        'target',
        'provider',
        'requests',
        'errors',
        'cold starts',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'p99.9 ms',
        'max ms',
        'init p50 ms',
        'req/s',
        '$ / 1M',
      ],
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      result.targets.map((t) => {
        const s = t.summary;
        if (!s) return [m(t.name), m(t.provider), ...new Array<string>(11).fill('-')];
        const l = s.latencyMs;
        return [
          m(t.name) + (t.error ? ` ⚠️ failed: ${m(t.error)}` : ''),
          m(t.provider),
          int(s.requests),
          errorsCell(s),
          s.coldNa !== undefined ? 'n/a' : `${int(s.coldStarts)} (${pct(s.coldStartRate)})`,
          formatMs(l?.p50),
          formatMs(l?.p90),
          formatMs(l?.p99),
          formatMs(l?.p999),
          formatMs(l?.max),
          formatMs(s.initDurationMs?.p50),
          s.throughputRps ? s.throughputRps.toFixed(1) : '-',
          formatUSD(s.cost?.perMillionUSD),
        ];
      }),
    ),
    '',
  );

  if (result.thresholds.length) {
    const failed = result.thresholds.filter((t) => !t.ok).length;
    out.push(
      failed
        ? `**Thresholds: ${failed} of ${result.thresholds.length} crossed**`
        : `**Thresholds: all ${result.thresholds.length} held**`,
      '',
    );
    out.push(
      mdTable(
        ['', 'target', 'metric', 'condition', 'actual'],
        ['c', 'l', 'l', 'l', 'r'],
        result.thresholds.map((t) => [
          t.ok ? '✅' : '❌',
          m(t.target),
          m(t.metric),
          m(t.condition),
          t.actual === null ? '-' : String(+t.actual.toPrecision(6)),
        ]),
      ),
      '',
    );
  }

  const phaseRows = result.targets.flatMap((t) =>
    t.phases.map((p) => [
      m(t.name),
      m(phaseLabel(p)),
      int(p.requests),
      errorsCell(p),
      p.coldNa !== undefined ? 'n/a' : `${int(p.coldStarts)} (${pct(p.coldStartRate)})`,
      formatMs(p.latencyMs?.p50),
      formatMs(p.latencyMs?.p99),
      formatMs(p.latencyMs?.max),
      formatMs(p.initDurationMs?.p50),
      formatUSD(p.cost?.perMillionUSD),
    ]),
  );
  if (phaseRows.length) {
    out.push('<details><summary>Per phase</summary>', '');
    out.push(
      mdTable(
        ['target', 'phase', 'requests', 'errors', 'cold starts', 'p50 ms', 'p99 ms', 'max ms', 'init p50 ms', '$ / 1M'],
        ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
        phaseRows,
      ),
      '',
    );
    out.push('</details>', '');
  }
  const coldNa = coldNaNotes(result.targets, phaseLabel);
  if (coldNa.length) out.push(`Cold starts n/a (no cold state observed): ${coldNa.map(m).join('; ')}.`, '');
  const initWait = initWaitNotes(result.targets);
  if (initWait.length) out.push(`Init waited for a CPU: ${initWait.map(m).join('; ')}.`, '');
  const prices = [...new Set(result.targets.flatMap(priceSources))];
  if (prices.length)
    out.push(`Prices: ${prices.map(m).join('; ')}. Latency is client-side, from the intended send time.`, '');
  return out.join('\n');
}
