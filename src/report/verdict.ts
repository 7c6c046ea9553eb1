/**
 * A compare verdict in words: a terminal table per target (metric, baseline,
 * current, change, allowed, verdict) and the same as Markdown for CI job pages
 * (GITHUB_STEP_SUMMARY). Pure functions of the verdict.
 */
import { appendFileSync } from 'node:fs';
import type { CompareVerdict, MetricComparison } from '../metrics/compare.ts';
import { formatMs, formatUSD } from '../units.ts';
import { FxError, osReason } from '../model/errors.ts';

const WORDS: Record<MetricComparison['verdict'], string> = {
  ok: 'ok',
  regression: 'REGRESSION',
  noise: 'noise',
  improved: 'improved',
  'n/a': 'n/a',
};
const ICONS: Record<MetricComparison['verdict'], string> = {
  ok: '✅ ok',
  regression: '❌ **regression**',
  noise: '〰️ noise',
  improved: '🟢 improved',
  'n/a': '➖ n/a',
};

/** Formats a metric's figure in its unit. */
export function formatValue(m: Pick<MetricComparison, 'unit'>, v: number | null): string {
  if (v === null) return '-';
  if (m.unit === 'ms') return `${formatMs(v)} ms`;
  if (m.unit === 'USD/1M') return formatUSD(v);
  return v.toFixed(4);
}

/** Formats a change: relative as a signed percentage, absolute in the metric's unit. */
export function formatChange(m: MetricComparison): string {
  if (m.change === null) return '-';
  const x = Math.abs(m.change);
  const text =
    m.allowance.kind === 'relative'
      ? Number.isFinite(x)
        ? `${(x * 100).toFixed(1)}%`
        : '∞'
      : m.unit === 'ms'
        ? `${formatMs(x)} ms`
        : m.unit === 'USD/1M'
          ? formatUSD(x)
          : x.toFixed(4);
  // A change that rounds to nothing gets no direction.
  const sign = /[1-9∞]/.test(text) ? (m.change > 0 ? '+' : '−') : '±';
  return `${sign}${text}`;
}

/** Lays out a fixed-width table: columns in `left` left-aligned, the others right-aligned. */
function alignTable(header: string[], rows: string[][], left: number[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (left.includes(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].map((l) => `  ${l}`).join('\n');
}

function headline(v: CompareVerdict): string {
  const advisory = v.advisory ? ' (advisory: too few runs in the window, does not fail)' : '';
  if (v.ok) return `no regression${advisory}`;
  return `${v.regressions} regression${v.regressions === 1 ? '' : 's'}${advisory}`;
}

/** What the baseline was, in one line (history window, A/B or one file). */
function baselineLine(v: CompareVerdict): string {
  if (v.mode === 'ab')
    return `A/B in one run: ${v.baseline.file ?? 'baseline'} (A) against ${v.current.file ?? 'candidate'} (B), ${v.abPairs ?? 0} block pairs in ABBA order (${v.baseline.startedAt}); each metric per block, a paired t-test over the pairs`;
  if (v.mode === 'history' && v.window)
    return `history window of ${v.window.runs} accepted run${v.window.runs === 1 ? '' : 's'} of ${v.baseline.scenario} (environment ${v.window.env}; ${v.baseline.startedAt}) in ${v.baseline.file ?? 'the history store'}; band = one-sided ${+((1 - v.window.alpha) * 100).toFixed(1)}% prediction interval for one more run from the per-run values (log scale for latency and cost)`;
  return `${v.baseline.file ?? v.baseline.scenario} (${v.baseline.startedAt})`;
}

/** The band a history verdict used, e.g. `≤ 25.3 ms (±1.41)`; `-` without one. */
function formatBand(m: MetricComparison): string {
  if (!m.band) return '-';
  return `${formatValue(m, m.band.lower)}…${formatValue(m, m.band.upper)}`;
}

/** The verdict as terminal text: one table per target, notes, and the last line `compare: …`. */
export function formatVerdictText(v: CompareVerdict): string {
  const out: string[] = [
    `baseline: ${baselineLine(v)}`,
    ...(v.mode === 'ab' ? [] : [`current:  ${v.current.file ?? v.current.scenario} (${v.current.startedAt})`]),
  ];
  for (const t of v.targets) {
    out.push('', t.target);
    if (t.error) {
      out.push(`  REGRESSION: the target failed in the current run: ${t.error}`);
      continue;
    }
    const banded = v.mode === 'history';
    const rows = t.metrics.map((m) => [
      m.metric,
      formatValue(m, m.baseline),
      formatValue(m, m.current),
      formatChange(m),
      m.allowanceText,
      ...(banded ? [formatBand(m)] : []),
      WORDS[m.verdict],
      banded ? `${m.samples.baseline}` : `${m.samples.baseline}/${m.samples.current}`,
    ]);
    out.push(
      banded
        ? alignTable(['metric', 'median', 'current', 'change', 'allowed', 'band', 'verdict', 'runs'], rows, [0, 6])
        : alignTable(['metric', 'baseline', 'current', 'change', 'allowed', 'verdict', 'samples'], rows, [0, 5]),
    );
    for (const m of t.metrics) if (m.note && m.verdict !== 'n/a') out.push(`  ${m.metric}: ${m.note}`);
  }
  for (const n of v.notes) out.push(`note: ${n}`);
  if (v.advisory) out.push(`advisory: ${v.advisory}`);
  out.push(
    '',
    `compare: ${v.ok ? 'ok' : v.advisory ? 'ADVISORY' : 'FAILED'}: ${headline(v)}${
      v.ok
        ? ''
        : ` (${v.targets
            .filter((t) => t.regressions)
            .map((t) =>
              t.error
                ? `${t.target}: failed`
                : `${t.target}: ${t.metrics
                    .filter((m) => m.verdict === 'regression')
                    .map((m) => m.metric)
                    .join(', ')}`,
            )
            .join('; ')})`
    }`,
  );
  return out.join('\n');
}

const md = (s: string) => s.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);

/** The verdict as GitHub-flavoured Markdown: a headline, one table per target, notes. */
export function formatVerdictMarkdown(v: CompareVerdict): string {
  const out: string[] = [
    `## fxbench compare: ${v.ok ? '✅' : '❌'} ${headline(v)}`,
    '',
    `Baseline: ${v.mode === 'history' ? md(baselineLine(v)) : `\`${v.baseline.file ?? v.baseline.scenario}\` (${v.baseline.startedAt})`} · current: \`${v.current.file ?? v.current.scenario}\` (${v.current.startedAt})`,
  ];
  for (const t of v.targets) {
    out.push('', `### ${md(t.target)}`, '');
    if (t.error) {
      out.push(`❌ **regression**: the target failed in the current run: ${md(t.error)}`);
      continue;
    }
    const banded = v.mode === 'history';
    out.push(
      `| metric | ${banded ? 'median' : 'baseline'} | current | change | allowed |${banded ? ' band |' : ''} verdict |`,
      `|---|---:|---:|---:|---:|${banded ? '---:|' : ''}---|`,
    );
    for (const m of t.metrics)
      out.push(
        `| ${md(m.metric)} | ${md(formatValue(m, m.baseline))} | ${md(formatValue(m, m.current))} | ${md(formatChange(m))} | ${md(m.allowanceText)} |${banded ? ` ${md(formatBand(m))} |` : ''} ${ICONS[m.verdict]} |`,
      );
    const noted = t.metrics.filter((m) => m.note && m.verdict !== 'n/a');
    if (noted.length) out.push('', ...noted.map((m) => `- ${md(m.metric)}: ${md(m.note!)}`));
  }
  if (v.notes.length) out.push('', ...v.notes.map((n) => `> ${md(n)}`));
  if (v.advisory) out.push('', `> advisory: ${md(v.advisory)}`);
  if (v.mode === 'history')
    out.push(
      '',
      'A change is a regression only when it is beyond both its allowance and the band of the window (the run-to-run noise of accepted runs); otherwise it is noise.',
    );
  else
    out.push(
      '',
      `A change beyond its allowance is a regression only when ${Math.round((1 - v.alpha * 2) * 100)}% confidence bounds on both runs agree (order-statistic bounds for latency, Clopper–Pearson for rates, a normal approximation for cost); otherwise it is noise.`,
    );
  return `${out.join('\n')}\n`;
}

/** Appends Markdown to the file named by GITHUB_STEP_SUMMARY, when set; returns whether it did. */
export function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  try {
    appendFileSync(file, markdown.endsWith('\n') ? `${markdown}\n` : `${markdown}\n\n`);
  } catch (err) {
    throw FxError.runFailed(`cannot append to GITHUB_STEP_SUMMARY file ${file}: ${osReason(err)}`, err);
  }
  return true;
}
