/**
 * Small formatters shared by the HTML, Markdown and chart code: fixed-locale
 * integers, percentages, USD without exponents, error breakdowns. Pure.
 */
import { formatBytes } from '../units.ts';
import type { PhaseResult, TargetResult } from '../model/result.ts';

/** A rate (0–1) as a percentage, with more digits for small rates: "5.2%", "0.29%". */
export function pct(x: number): string {
  if (!Number.isFinite(x)) return '-';
  return `${(x * 100).toFixed(x > 0 && x < 0.01 ? 2 : 1)}%`;
}

/** 1234567 → "1,234,567" (fixed locale so outputs are the same everywhere). */
export function int(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Error classes with a count, e.g. "4 throttled, 2 timeout"; empty when none. */
export function errorBreakdown(p: Pick<PhaseResult, 'errors' | 'errorCauses'>): string {
  return Object.entries(p.errors)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${int(n)} ${k}${causesNote(p, k)}`)
    .join(', ');
}

/** ` (ECONNREFUSED)`, ` (HTTP 503 ×2, HTTP 502)`: the top causes of an error class; '' when unknown. */
export function causesNote(p: Pick<PhaseResult, 'errorCauses'>, cls: string): string {
  const list = p.errorCauses?.[cls as keyof NonNullable<PhaseResult['errorCauses']>];
  if (!list?.length) return '';
  return ` (${list.map((c) => (list.length > 1 ? `${c.cause} ×${c.count}` : c.cause)).join(', ')})`;
}

/** The price table(s) a target's costs came from. */
export function priceSources(t: TargetResult): string[] {
  return [
    ...new Set(
      [t.summary?.cost?.priceSource, ...t.phases.map((p) => p.cost?.priceSource)].filter((s): s is string => !!s),
    ),
    // What the invocations were priced on, each with its source (provider REPORT, configured, assumed default).
    ...(t.summary?.cost?.basis?.length ? [`${t.name} priced on ${t.summary.cost.basis.join(', ')}`] : []),
  ];
}

/** An ISO timestamp as people read it: `2026-03-01 10:00:00 UTC` (the input itself when it is not a date). */
export function when(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms)
    ? iso
    : new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

/** A phase's label in tables, CSV and tooltips: `burst #2`, `payload · 64KB`, `keepalive #3 · idle 30s`. */
export function phaseLabel(p: {
  name: string;
  round?: number;
  payloadBytes?: number;
  memoryMB?: number;
  idleGapMs?: number;
  rateRps?: number;
}): string {
  const parts = [p.round ? `${p.name} #${p.round}` : p.name];
  if (p.idleGapMs !== undefined) parts.push(`idle ${formatGap(p.idleGapMs)}`);
  if (p.payloadBytes !== undefined) parts.push(formatBytes(p.payloadBytes));
  if (p.memoryMB !== undefined) parts.push(`${p.memoryMB} MB`);
  if (p.rateRps !== undefined) parts.push(`${+p.rateRps.toFixed(2)} req/s`);
  return parts.join(' · ');
}

/** An idle gap as people say it: 500ms, 30s, 5min. */
export function formatGap(ms: number): string {
  if (ms >= 60_000) return `${+(ms / 60_000).toFixed(2)}min`;
  if (ms >= 1000) return `${+(ms / 1000).toFixed(2)}s`;
  return `${+ms.toFixed(2)}ms`;
}
