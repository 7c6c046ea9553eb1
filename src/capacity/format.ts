/** The capacity plan as a terminal table (one block per target × provider), each figure with its basis. */
import { formatUSD } from '../units.ts';
import type { Figure, CapacityPlan, TargetPlan } from './types.ts';

/** A number as the plan's `from` texts show it: integers as they are, others to `digits` places. */
export const fmt = (n: number, digits = 1) => (Number.isInteger(n) ? String(n) : n.toFixed(digits));

/** A count shortened for the plan's `from` texts: 1.5M, 12.0k, 950. */
export function fmtCount(n: number): string {
  return n >= 1e6 ? `${fmt(n / 1e6, 2)}M` : n >= 1e3 ? `${fmt(n / 1e3, 1)}k` : fmt(n, 0);
}

function num(f: Figure | undefined, digits = 1, unit = ''): string {
  if (f && f.value === null && f.from.startsWith('not measured')) return 'not measured';
  if (!f || f.value === null || f.value === undefined) return '-';
  const v = f.value;
  const s =
    Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : Number.isInteger(v) ? String(v) : v.toFixed(digits);
  return unit ? `${s} ${unit}` : s;
}

function yesNo(f: Figure<boolean> | undefined, yes: string, no: string): string {
  if (!f || f.value === null) return 'unknown';
  return f.value ? yes : no;
}

/** The plan's rows for one target: figure, value, what it was computed from. */
export function planRows(p: TargetPlan): [string, string, string][] {
  const out: [string, string, string][] = [
    ['concurrency (mean)', num(p.concurrencyMean, 1), p.concurrencyMean.from],
    ['concurrency (p99)', num(p.concurrencyP99, 1), p.concurrencyP99.from],
    ['instances', num(p.instances, 0), p.instances.from],
  ];
  if (p.peak) {
    out.push(['peak instances', num(p.peak.instances, 0), p.peak.instances.from]);
    out.push(['cold starts at peak', num(p.peak.coldStarts, 0), p.peak.coldStarts.from]);
    out.push(['cold-start latency', num(p.peak.coldStartMs, 1, 'ms'), p.peak.coldStartMs.from]);
    out.push(['throttled at peak', yesNo(p.peak.throttled, 'YES', 'no'), p.peak.throttled.from]);
    out.push(['throttled requests', num(p.peak.throttledRequests, 0), p.peak.throttledRequests.from]);
    out.push(['scale-up time', num(p.peak.scaleUpS, 0, 's'), p.peak.scaleUpS.from]);
  }
  if (p.slo)
    out.push([
      `p99 ≤ ${p.slo.p99Ms} ms`,
      p.slo.basis === 'not measured' ? 'not measured' : `${yesNo(p.slo.holds, 'holds', 'BREAKS')} (${p.slo.basis})`,
      p.slo.holds.from,
    ]);
  out.push(['requests / month', num(p.monthlyRequests, 0), p.monthlyRequests.from]);
  if (p.perInvocationUSD.value !== null)
    out.push(['cost / invocation', formatUSD(p.perInvocationUSD.value), p.perInvocationUSD.from]);
  if (p.monthlyUSD.value !== null || !p.nodes)
    out.push(['cost / month', formatUSD(p.monthlyUSD.value), p.monthlyUSD.from]);
  out.push(['cold starts / month', num(p.coldStartsPerMonth, 0), p.coldStartsPerMonth.from]);
  if (p.coldShare.value !== null)
    out.push(['cold-start share of cost', `${(p.coldShare.value * 100).toFixed(2)}%`, p.coldShare.from]);
  for (const m of p.memory ?? [])
    out.push([
      `  ${m.memoryMB} MB`,
      `p99 ${m.p99Ms === null ? '-' : m.p99Ms.toFixed(1)} ms, ${formatUSD(m.monthlyUSD)}/month${m.meetsSlo === false ? ' (misses SLO)' : ''}`,
      `${formatUSD(m.perMillionUSD)} per 1M (memory sweep)`,
    ]);
  if (p.cheapestMemoryMB) out.push(['cheapest memory', num(p.cheapestMemoryMB, 0, 'MB'), p.cheapestMemoryMB.from]);
  if (p.nodes) {
    out.push(['per-node throughput', num(p.nodes.perNodeRps, 1, 'req/s'), p.nodes.perNodeRps.from]);
    out.push(['nodes', num(p.nodes.nodes, 0), p.nodes.nodes.from]);
    if (p.nodes.peakNodes) out.push(['nodes at peak', num(p.nodes.peakNodes, 0), p.nodes.peakNodes.from]);
    out.push(['node cost / month', formatUSD(p.nodes.monthlyUSD.value), p.nodes.monthlyUSD.from]);
  }
  return out;
}

/** Renders the plan for the terminal. */
export function formatPlan(plan: CapacityPlan): string {
  const o = plan.options;
  const head = `capacity plan for ${o.rps} req/s${o.peakRps !== undefined ? `, peak ${o.peakRps} req/s for ${o.peakDurationS ?? 300} s` : ''}${o.p99SloMs !== undefined ? `, p99 ≤ ${o.p99SloMs} ms` : ''} (from run "${plan.from.scenario}" of ${plan.from.startedAt})`;
  const blocks = plan.targets.map((p) => {
    const r = planRows(p);
    const w0 = Math.max(...r.map((x) => x[0].length));
    const w1 = Math.max(...r.map((x) => x[1].length));
    const lines = r.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`);
    const title = `${p.target} on ${p.provider}${p.provider !== p.measuredOn ? ` (projected from ${p.measuredOn})` : ''}`;
    const miss = p.missing.length ? `\n  not measured: ${p.missing.join('; ')}` : '';
    return `${title}\n${lines.join('\n')}${miss}`;
  });
  return [head, ...blocks].join('\n\n');
}
