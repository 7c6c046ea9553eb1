/**
 * The thresholds table printed after a run (and usable on any results.json):
 * one row per threshold and target, with the actual figure and, for crossed
 * ones, by how much. Pure: depends only on the outcomes.
 */
import { parseMetric } from '../metrics/threshold-parser.ts';
import { formatValue } from '../metrics/thresholds.ts';
import type { ThresholdOutcome } from '../model/result.ts';
import { table } from './text.ts';

/** `latency.p99{phase:burst,round:2}` for an outcome's metric and scope. */
export function scopedMetric(o: Pick<ThresholdOutcome, 'metric' | 'phase' | 'round'>): string {
  const tags = [
    o.phase !== undefined ? `phase:${o.phase}` : '',
    o.round !== undefined ? `round:${o.round}` : '',
  ].filter(Boolean);
  return tags.length ? `${o.metric}{${tags.join(',')}}` : o.metric;
}

/** How far a crossed outcome is from its condition: `+212ms (+26.5%)`; '' when it held or has no data. */
export function crossedBy(o: ThresholdOutcome): string {
  if (o.ok || o.actual === null || o.expected === undefined) return '';
  const unit = parseMetric(o.metric)?.unit ?? 'count';
  const diff = o.actual - o.expected;
  const sign = diff >= 0 ? '+' : '-';
  const abs = formatValue(Math.abs(diff), unit);
  const pct = o.expected !== 0 ? ` (${sign}${((Math.abs(diff) / Math.abs(o.expected)) * 100).toFixed(1)}%)` : '';
  return `${sign}${abs}${pct}`;
}

/**
 * Renders the outcomes: a table of target, metric, condition, actual, by how
 * much and ✓/✗, then a one-line verdict. Empty string when there are none.
 */
export function formatThresholds(outcomes: readonly ThresholdOutcome[], opts: { onlyCrossed?: boolean } = {}): string {
  if (!outcomes.length) return '';
  const crossed = outcomes.filter((o) => !o.ok);
  const shown = opts.onlyCrossed ? crossed : outcomes;
  const rows = shown.map((o) => [
    o.target,
    scopedMetric(o),
    o.condition,
    formatValue(o.actual, parseMetric(o.metric)?.unit ?? 'count'),
    crossedBy(o),
    o.ok ? '✓' : '✗ crossed',
  ]);
  const verdict = crossed.length
    ? `thresholds: ${crossed.length} of ${outcomes.length} crossed`
    : `thresholds: all ${outcomes.length} held`;
  return shown.length
    ? `${table(['target', 'metric', 'condition', 'actual', 'by', 'result'], rows)}\n${verdict}`
    : verdict;
}
