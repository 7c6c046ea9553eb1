/**
 * Chart 5: latency per payload size, one line per target and direction
 * (request: the bytes go to the function; response: they come back), from the
 * merged histograms of every round at that size (exact, not an average of
 * percentiles): p50 as the line, a whisker up to p99. A size where every
 * invocation failed is drawn as a marked error (✕ with its count and class),
 * never as a latency; partial failures are marked with their count. The sweep's
 * sizes are evenly spaced steps, each labelled; the provider's documented
 * synchronous payload limit is drawn where it falls between them. Left out
 * unless some target ran at least two sizes.
 */
import { decodeHistogram, mergeHistograms, percentileMs } from '../../metrics/histogram.ts';
import { errorTotal } from '../../metrics/figures.ts';
import type { PhaseResult, Result } from '../../model/result.ts';
import { MAX_SYNC_PAYLOAD_BYTES } from '../../runtime/gateway-lambda.ts';
import { formatBytes, formatMs } from '../../units.ts';
import { errorBreakdown, int } from '../format.ts';
import { colorByTarget, dashLegend, VEGA_LITE_SCHEMA, type Chart } from './chart.ts';

/** Which way a payload phase's bytes went. */
export type PayloadDirection = 'request' | 'response' | 'both';

/**
 * Documented synchronous payload limits (request and response), bytes, by provider.
 * aws-lambda: 6 MB synchronous Invoke, request and response (AWS Lambda quotas /
 * Invoke API page, read 2026-11, ../shared/providers.md [AWS-Invoke]); local: the
 * local runtime enforces Lambda's limit (runtime/gateway-lambda.ts).
 * gcp-functions (32 MB gen 2, 10 MB gen 1) and openfaas (no gateway limit) are not
 * drawn: the generation or the template decides.
 */
export const PAYLOAD_LIMITS: Record<string, { bytes: number; source: string }> = {
  'aws-lambda': { bytes: 6 * 1024 * 1024, source: 'Lambda synchronous invoke limit (AWS docs, 2026-11)' },
  local: { bytes: MAX_SYNC_PAYLOAD_BYTES, source: 'local runtime, as Lambda synchronous invoke' },
};

/** One size of one target's sweep in one direction. */
export interface PayloadPoint {
  target: string;
  /** The phase it came from (several phases may sweep the same direction). */
  phase: string;
  direction: PayloadDirection;
  /** Line label: the direction, or "phase (direction)" when a target has several phases per direction. */
  series: string;
  payloadBytes: number;
  /** Step of the sweep on the x axis (sizes of every target together, ascending). */
  step: number;
  sizeLabel: string;
  requests: number;
  errors: number;
  errorClasses: string;
  /** Every invocation failed: no latency is drawn. */
  failedAll: boolean;
  p50Ms: number | null;
  p99Ms: number | null;
}

/**
 * The direction of a payload phase: as recorded (`payloadDirection`), or, in
 * results from before it was, from the bytes sent: a request sweep sent about
 * `payloadBytes` per invocation, a response sweep a small JSON asking for them.
 */
export function payloadDirection(
  p: Pick<PhaseResult, 'payloadBytes' | 'payloadDirection' | 'requests' | 'bytesOut'>,
): PayloadDirection {
  if (p.payloadDirection) return p.payloadDirection;
  return p.bytesOut >= (p.payloadBytes ?? 0) * 0.9 * Math.max(p.requests, 1) ? 'request' : 'response';
}

/** Every target's payload sweeps, one point per target, direction and size. */
export function payloadPoints(result: Result): PayloadPoint[] {
  type Group = {
    hist: string[];
    requests: number;
    errors: Record<string, number>;
    phase: string;
    dir: PayloadDirection;
  };
  const raw: (Omit<PayloadPoint, 'step' | 'sizeLabel' | 'series'> & { phases: number })[] = [];
  for (const t of result.targets) {
    const groups = new Map<string, Map<number, Group>>();
    for (const p of t.phases) {
      if (p.payloadBytes === undefined) continue;
      const dir = payloadDirection(p);
      const key = `${p.name}\u0000${dir}`;
      const bySize = groups.get(key) ?? new Map<number, Group>();
      const g = bySize.get(p.payloadBytes) ?? { hist: [], requests: 0, errors: {}, phase: p.name, dir };
      g.hist.push(p.histograms.all);
      g.requests += p.requests;
      for (const [k, n] of Object.entries(p.errors)) g.errors[k] = (g.errors[k] ?? 0) + n;
      bySize.set(p.payloadBytes, g);
      groups.set(key, bySize);
    }
    const sweeps = [...groups.values()].filter((m) => m.size >= 2);
    for (const bySize of sweeps) {
      for (const [bytes, g] of [...bySize.entries()].sort((a, b) => a[0] - b[0])) {
        const h = mergeHistograms(g.hist.map(decodeHistogram));
        const errors = errorTotal({ errors: g.errors } as Parameters<typeof errorTotal>[0]);
        const failedAll = g.requests > 0 && errors === g.requests;
        raw.push({
          target: t.name,
          phase: g.phase,
          direction: g.dir,
          payloadBytes: bytes,
          requests: g.requests,
          errors,
          errorClasses: errorBreakdown({ errors: g.errors as never }),
          failedAll,
          p50Ms: failedAll || !h.totalCount ? null : Math.max(percentileMs(h, 50), 0.001),
          p99Ms: failedAll || !h.totalCount ? null : Math.max(percentileMs(h, 99), 0.001),
          phases: sweeps.filter((m) => [...m.values()][0]!.dir === g.dir).length,
        });
      }
    }
  }
  const sizes = [...new Set(raw.map((p) => p.payloadBytes))].sort((a, b) => a - b);
  return raw.map(({ phases, ...p }) => ({
    ...p,
    series: phases > 1 ? `${p.phase} (${p.direction})` : p.direction,
    step: sizes.indexOf(p.payloadBytes),
    sizeLabel: formatBytes(p.payloadBytes),
  }));
}

/** Where `bytes` falls on the step axis (log-interpolated between the sizes around it); null when outside. */
export function stepOf(bytes: number, sizes: number[]): number | null {
  if (!sizes.length || bytes < sizes[0]!) return null;
  for (let i = 0; i < sizes.length - 1; i++) {
    const [a, b] = [sizes[i]!, sizes[i + 1]!];
    if (bytes >= a && bytes <= b) return i + Math.log(bytes / a) / Math.log(b / a);
  }
  // Beyond the largest size: half a step out, when it is within 4× of it.
  return bytes <= sizes[sizes.length - 1]! * 4 ? sizes.length - 0.5 : null;
}

/** Builds the chart, or null when no target has a payload sweep. */
export function payloadChart(result: Result): Chart | null {
  const points = payloadPoints(result);
  if (!points.length) return null;
  const sizes = [...new Set(points.map((p) => p.payloadBytes))].sort((a, b) => a - b);
  const latency = points.filter((p) => p.p50Ms !== null);
  const failures = points
    .filter((p) => p.errors > 0)
    .map((p) => ({
      ...p,
      mark: `✕ ${int(p.errors)}/${int(p.requests)} failed`,
      // A size that failed whole sits at the top; partial failures above their point.
    }));
  const providers = new Set(
    result.targets.filter((t) => points.some((p) => p.target === t.name)).map((t) => t.provider),
  );
  const limits = [...providers]
    .filter((p) => PAYLOAD_LIMITS[p])
    .map((p) => ({ provider: p, ...PAYLOAD_LIMITS[p]!, step: stepOf(PAYLOAD_LIMITS[p]!.bytes, sizes) }))
    .filter((l) => l.step !== null)
    .map((l) => ({ ...l, label: `${formatBytes(l.bytes)} limit (${l.provider})` }));
  // One rule per distinct limit.
  const limitRules = [...new Map(limits.map((l) => [l.bytes, l])).values()];
  const labels = JSON.stringify(sizes.map(formatBytes));
  const x = {
    field: 'step',
    type: 'quantitative',
    title: 'payload size (bytes)',
    scale: {
      domain: [-0.3, sizes.length - (limitRules.some((l) => l.step! > sizes.length - 1) ? 0.3 : 0.7)],
      nice: false,
    },
    axis: {
      values: sizes.map((_, i) => i),
      labelExpr: `${labels}[datum.value] || ''`,
      labelOverlap: false,
      grid: false,
    },
  };
  const y = {
    field: 'p50Ms',
    type: 'quantitative',
    title: 'latency (ms, log)',
    scale: { type: 'log', nice: false, padding: 10 },
  };
  const present = points.map((p) => p.target);
  const tooltip = [
    { field: 'target' },
    { field: 'phase' },
    { field: 'direction' },
    { field: 'payloadBytes', title: 'payload (bytes)', format: ',' },
    { field: 'p50Ms', title: 'p50 (ms)', format: '.4~r' },
    { field: 'p99Ms', title: 'p99 (ms)', format: '.4~r' },
    { field: 'requests', title: 'invocations' },
    { field: 'errors', title: 'failed' },
  ];
  const errorColor = '#cf222e';
  const layers: object[] = [
    {
      data: { name: 'payload' },
      mark: { type: 'rule', strokeWidth: 1.25, opacity: 0.7 },
      encoding: { x, y, y2: { field: 'p99Ms' }, color: colorByTarget(result, 'shared'), tooltip },
    },
    {
      data: { name: 'payload' },
      mark: { type: 'line', strokeWidth: 1.75 },
      encoding: {
        x,
        y,
        color: colorByTarget(result, 'top', present),
        strokeDash: {
          field: 'series',
          type: 'nominal',
          title: 'direction',
          legend: dashLegend(),
        },
        detail: { field: 'series' },
        tooltip,
      },
    },
    // Dots in their own layer: on the line layer they would replace the dashes in the legend.
    {
      data: { name: 'payload' },
      mark: { type: 'point', filled: true, size: 45, opacity: 1 },
      encoding: { x, y, color: colorByTarget(result, 'shared'), tooltip },
    },
  ];
  if (failures.length)
    layers.push({
      data: { name: 'payloadErrors' },
      mark: { type: 'text', color: errorColor, fontWeight: 600, fontSize: 11, baseline: 'top', y: 4 },
      encoding: {
        x,
        text: { field: 'mark' },
        tooltip: [...tooltip, { field: 'errorClasses', title: 'errors' }],
      },
    });
  if (limitRules.length)
    layers.push({
      data: { name: 'payloadLimits' },
      layer: [
        { mark: { type: 'rule', strokeDash: [6, 3], strokeWidth: 1.5, color: errorColor } },
        {
          mark: {
            type: 'text',
            color: errorColor,
            fontSize: 10,
            align: 'right',
            dx: -4,
            baseline: 'bottom',
            y: { expr: 'height' },
            dy: -4,
          },
          encoding: { text: { field: 'label' } },
        },
      ],
      encoding: {
        x,
        tooltip: [
          { field: 'label', title: 'limit' },
          { field: 'bytes', title: 'bytes', format: ',' },
          { field: 'source' },
        ],
      },
    });
  const failedAll = points.filter((p) => p.failedAll);
  return {
    id: 'payload',
    title: 'Latency per payload size, request and response',
    note: `p50 per size (line; request solid, response dashed) with a whisker to p99, each direction its own line. ${
      failures.length
        ? `Red ✕ marks failed invocations at a size${failedAll.length ? `; ${failedAll.map((p) => `${p.sizeLabel} ${p.direction}: all ${p.requests} failed (${p.errorClasses})`).join(', ')}, so no latency is drawn there` : ''}. `
        : ''
    }${limitRules.length ? `The dashed red rule is the provider's synchronous payload limit: ${limitRules.map((l) => `${l.label}, ${l.source}`).join('; ')}.` : ''}`,
    datasets: {
      payload: latency,
      ...(failures.length ? { payloadErrors: failures } : {}),
      ...(limitRules.length ? { payloadLimits: limitRules } : {}),
    },
    spec: { $schema: VEGA_LITE_SCHEMA, width: 'container', height: 280, layer: layers },
  };
}

/**
 * The payload sweep's answer in words, one per series of a target: how p50
 * latency moves from the smallest size that ran to the largest, and the sizes
 * that failed (every invocation, or some), e.g. "payload (request): p50 4.1 ms
 * at 1 KB → 61 ms at 6 MB; 7 MB failed 5 of 5 (5 payload-too-large)".
 */
export function payloadAnswers(points: PayloadPoint[]): string[] {
  const out: string[] = [];
  for (const series of [...new Set(points.map((p) => p.series))]) {
    const pts = points.filter((p) => p.series === series).sort((a, b) => a.payloadBytes - b.payloadBytes);
    const ran = pts.filter((p) => p.p50Ms !== null);
    const parts: string[] = [];
    if (ran.length) {
      const [lo, hi] = [ran[0]!, ran[ran.length - 1]!];
      parts.push(
        lo === hi
          ? `p50 ${formatMs(lo.p50Ms!)} ms at ${lo.sizeLabel}`
          : `p50 ${formatMs(lo.p50Ms!)} ms at ${lo.sizeLabel} → ${formatMs(hi.p50Ms!)} ms at ${hi.sizeLabel}`,
      );
    } else parts.push('no size ran');
    for (const p of pts.filter((x) => x.errors > 0))
      parts.push(`${p.sizeLabel} failed ${p.errors} of ${p.requests} (${p.errorClasses})`);
    out.push(`payload (${series}): ${parts.join('; ')}`);
  }
  return out;
}
