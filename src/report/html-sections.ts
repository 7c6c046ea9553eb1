/**
 * The HTML report's tables: header (scenario, when, where, targets), summary per
 * target with per-phase rows on expand, thresholds. Every string that came from
 * a scenario, a target or a function response goes through `escapeHtml`.
 */
import { formatMs, formatUSD } from '../units.ts';
import { phaseLabel } from './format.ts';
import { targetColors } from './charts/palette.ts';
import { escapeHtml as e } from './escape.ts';
import type { PhaseResult, Result, TargetResult, ThresholdOutcome } from '../model/result.ts';
import { errorBreakdown, int, pct, priceSources, when } from './format.ts';
import { errorTotal } from '../metrics/figures.ts';
import type { Headline, HeadlineFigure } from './headline.ts';
import { DELTA_METRICS, deltaRows, formatDelta, formatDeltaPct, formatFigure } from './side-by-side.ts';

type Figures = Omit<PhaseResult, 'name' | 'kind' | 'round'>;

/** A target's colour swatch (its chart colour: targetColors). */
const swatch = (color: string) => `<span class="swatch" style="background:${color}"></span>`;
const row = (head: string, cells: string[], long = false) =>
  `<tr><th scope="row"${long ? ' class="long"' : ''}>${head}</th>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;

/** Names longer than this wrap in their table cell (shorter ones never break). */
const LONG_NAME = 36;
const isLong = (name: string) => name.length > LONG_NAME;
const textCell = (text: string) => `<td class="text${isLong(text) ? ' long' : ''}">${e(text)}</td>`;

/** Header: scenario, when, where it ran, and the runs of a side-by-side result. */
export function headerSection(result: Result): string {
  const durationS = (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
  const tool = result.tool;
  const runs = result.runs?.length
    ? `<div class="scroll"><table class="runs"><thead><tr><th scope="col">run</th><th scope="col">scenario</th><th scope="col">started</th><th scope="col">took</th><th scope="col">fxbench</th><th scope="col">Node</th><th scope="col">machine</th><th scope="col">results file</th></tr></thead><tbody>${result.runs
        .map(
          (r) =>
            `<tr><th scope="row">${e(r.label)}</th><td>${e(r.scenario.name)}</td><td>${e(when(r.startedAt))}</td><td>${((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000).toFixed(1)} s</td><td>${e(r.tool.version)}</td><td>${e(r.tool.node)}</td><td>${machine(r.tool)}</td><td class="file">${e(r.file)}${r.interrupted ? ' <span class="bad">(interrupted)</span>' : ''}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '';
  return `<header>
<h1><span class="brand">fxbench</span> ${e(result.scenario.name)}</h1>
${result.scenario.description ? `<p class="description">${e(result.scenario.description)}</p>` : ''}
<p class="meta">${e(result.scenario.file)} · started <time datetime="${e(result.startedAt)}">${e(when(result.startedAt))}</time> · ${result.runs?.length ? `${result.runs.length} runs` : `took ${Number.isFinite(durationS) ? durationS.toFixed(1) : '-'} s`} · fxbench ${e(tool.version)} · Node ${e(tool.node)} · ${machine(tool)}</p>
${runs}
${result.interrupted ? '<p class="banner">This run was interrupted: the figures cover what ran before it stopped.</p>' : ''}
${result.abortedByThreshold ? `<p class="banner">The run was stopped early by a threshold: ${e(result.abortedByThreshold)}</p>` : ''}
</header>`;
}

function machine(tool: Result['tool']): string {
  return `${tool.hostname ? `${e(tool.hostname)}, ` : ''}${e(tool.platform)}, ${e(tool.cpus)} CPUs`;
}

/** The targets: provider, function, region, memory, cold-start method, price source; each with its chart colour. */
export function targetsSection(result: Result): string {
  const colors = targetColors(result);
  const rows = result.targets.map((t, i) => {
    const prices = priceSources(t);
    return `<tr><th scope="row"${isLong(t.name) ? ' class="long"' : ''}>${swatch(colors[i]!)}${e(t.name)}</th>${textCell(t.provider)}${textCell(t.function)}${textCell(t.region ?? '-')}<td>${t.memoryMB ?? '-'}${t.memoryMB ? ' MB' : ''}</td>${textCell(t.coldStartMethod)}<td class="text muted">${prices.length ? prices.map(e).join('<br>') : '-'}</td></tr>`;
  });
  return `<section class="targets"><h2>Targets</h2>
<table><thead><tr><th scope="col">target</th><th scope="col" class="text">provider</th><th scope="col" class="text">function</th><th scope="col" class="text">region</th><th scope="col">memory</th><th scope="col" class="text">cold starts decided by</th><th scope="col" class="text">prices</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></section>`;
}

const FIGURE_HEAD = [
  'requests',
  'errors',
  'cold starts',
  'p50',
  'p90',
  'p99',
  'p99.9',
  'max',
  'init p50',
  'init p99',
  'req/s',
  '$ / invocation',
  '$ / 1M',
];

/** Under init p50, where the platform split the inits (PhaseResult.initSplit): means on a CPU and waiting for one. */
function initSplitNote(p: Figures): string {
  const s = p.initSplit;
  if (!s) return '';
  return `<small class="classes">mean ${formatMs(s.initMs)}: ${formatMs(s.cpuMs)} on a CPU, ${formatMs(s.waitMs)} waiting for one (${int(s.observed)} split)</small>`;
}

/** The figure cells shared by target and phase rows. */
function figureCells(p: Figures): string[] {
  const l = p.latencyMs;
  const errors = errorTotal(p);
  const errCell = errors
    ? `<span class="bad">${int(errors)} · ${pct(p.requests ? errors / p.requests : 0)}</span><small class="classes">${e(errorBreakdown(p))}</small>`
    : '0';
  return [
    int(p.requests),
    errCell,
    p.coldNa !== undefined
      ? `n/a <small class="classes">${e(p.coldNa)}</small>`
      : `${int(p.coldStarts)} <small>(${pct(p.coldStartRate)})</small>`,
    formatMs(l?.p50),
    formatMs(l?.p90),
    formatMs(l?.p99),
    formatMs(l?.p999),
    formatMs(l?.max),
    formatMs(p.initDurationMs?.p50) + initSplitNote(p),
    formatMs(p.initDurationMs?.p99),
    p.throughputRps ? p.throughputRps.toFixed(1) : '-',
    formatUSD(p.cost?.perInvocationUSD),
    formatUSD(p.cost?.perMillionUSD),
  ];
}

/** One row per target (its summary over all phases), then each target's phases on expand. */
export function summarySection(result: Result): string {
  const colors = targetColors(result);
  const head = `<thead><tr><th scope="col">target</th>${FIGURE_HEAD.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>`;
  const rows = result.targets.map((t, i) => {
    const failed = t.error
      ? `<tr class="failed"><td colspan="${FIGURE_HEAD.length + 1}">target failed: ${e(t.error)}</td></tr>`
      : '';
    return (
      row(
        `${swatch(colors[i]!)}${e(t.name)}`,
        t.summary ? figureCells(t.summary) : FIGURE_HEAD.map(() => '-'),
        isLong(t.name),
      ) + failed
    );
  });
  return `<section class="summary"><h2>Summary</h2>
<table>${head}<tbody>${rows.join('\n')}</tbody></table>
<p class="note">Latency in ms, measured by the client from the intended send time, over every phase of the target. Errors: count · share of invocations, by class below. Cold starts: count (share of invocations whose state is known).</p>
${result.targets.map((t, i) => phaseDetails(t, colors[i]!)).join('\n')}
</section>`;
}

/** A target's per-phase table inside a <details>. */
function phaseDetails(t: TargetResult, color: string): string {
  if (!t.phases.length) return '';
  const open = (p: PhaseResult) => p.late !== undefined || p.dropped !== undefined;
  const openModel = t.phases.some(open);
  const extraHead = openModel ? '<th scope="col">late</th><th scope="col">dropped</th>' : '';
  const rows = t.phases.map((p) => {
    const extra = openModel
      ? `<td>${p.late !== undefined ? int(p.late) : '-'}</td><td>${p.dropped !== undefined ? int(p.dropped) : '-'}</td>`
      : '';
    return row(e(phaseLabel(p)), figureCells(p), isLong(phaseLabel(p))).replace(/<\/tr>$/, `${extra}</tr>`);
  });
  const rampNote = t.ramp
    ? `<p class="note">Ramp: knee at ${t.ramp.kneeRps ?? '-'} req/s${t.ramp.brokeAtRps !== null ? `, broke at ${t.ramp.brokeAtRps} req/s` : ''}.</p>`
    : '';
  return `<details class="phases"><summary>${swatch(color)}${e(t.name)}: ${t.phases.length} phase${t.phases.length === 1 ? '' : 's'}</summary>
<table><thead><tr><th scope="col">phase</th>${FIGURE_HEAD.map((h) => `<th scope="col">${h}</th>`).join('')}${extraHead}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table>${rampNote}</details>`;
}

/** What a threshold was held to: "phase keepalive, round 2", or the target's whole run. */
export function thresholdScope(t: Pick<ThresholdOutcome, 'phase' | 'round'>): string {
  if (t.phase === undefined && t.round === undefined) return 'whole run';
  return [t.phase !== undefined ? `phase ${t.phase}` : '', t.round !== undefined ? `round ${t.round}` : '']
    .filter(Boolean)
    .join(', ');
}

/** Threshold outcomes with pass/fail; empty when the scenario has none. */
export function thresholdsSection(result: Result): string {
  if (!result.thresholds.length) return '';
  const failed = result.thresholds.filter((t) => !t.ok).length;
  const rows = result.thresholds.map(
    (t) =>
      `<tr class="${t.ok ? 'pass' : 'fail'}"><td class="verdict">${t.ok ? '✔ pass' : '✘ fail'}</td><th scope="row"${isLong(t.target) ? ' class="long"' : ''}>${e(t.target)}</th>${textCell(t.metric)}${textCell(thresholdScope(t))}${textCell(t.condition)}<td>${t.actual === null ? '-' : e(+t.actual.toPrecision(6))}</td></tr>`,
  );
  return `<section class="thresholds"><h2>Thresholds <small class="${failed ? 'bad' : 'good'}">${failed ? `${failed} of ${result.thresholds.length} crossed` : `all ${result.thresholds.length} held`}</small></h2>
<table class="compact"><thead><tr><th scope="col" class="text">result</th><th scope="col" class="text">target</th><th scope="col" class="text">metric</th><th scope="col" class="text">scope</th><th scope="col" class="text">condition</th><th scope="col">actual</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></section>`;
}

/** The headline: the verdict, then per target the four figures a reader would quote (values as in results.json). */
/** `fleet`: the fleet block of a `run --fleet` result (report/fleet.ts), shown under the verdict. */
export function headlineSection(h: Headline, colors: string[], fleet?: string): string {
  const tile = (f: HeadlineFigure, key: string, i: number) =>
    `<div class="tile" data-figure="${key}" data-target-index="${i}" data-value="${f.value === null ? '' : e(f.value)}"><span class="label">${e(f.label)}</span><span class="value">${e(f.text)}</span>${
      f.value === null
        ? `<small>${e(f.naReason ?? '')}</small>`
        : f.detail && key === 'coldStartRate'
          ? `<small>${e(f.detail)}</small>`
          : ''
    }</div>`;
  const targets = h.targets.map((t, i) => {
    const said = t.answers;
    return `<div class="headline-target"><h3>${swatch(colors[i]!)}${e(t.target)}${t.error ? ' <span class="bad">failed</span>' : ''}</h3><div class="tiles">${tile(t.coldStartRate, 'coldStartRate', i)}${tile(t.coldP99, 'coldP99', i)}${tile(t.warmP99, 'warmP99', i)}${tile(t.costPerMillion, 'costPerMillion', i)}</div>${
      said.length ? `<ul class="answers">${said.map((a) => `<li>${e(a)}</li>`).join('')}</ul>` : ''
    }</div>`;
  });
  return `<section class="headline" id="headline"><p class="verdict-line ${h.verdict.status.replace(' ', '-')}"><strong>${e(h.verdict.status === 'no gates' ? 'RAN' : h.verdict.status.toUpperCase())}</strong> ${e(h.verdict.text)}</p>
${h.busy ? `<p class="busy-note">${e(h.busy)}</p>\n` : ''}${fleet ? `<pre class="fleet">${e(fleet)}</pre>\n` : ''}${targets.join('\n')}</section>`;
}

/** Side by side: every figure of each target per run, with its change (absolute and %) against the first run. */
export function deltaSection(result: Result): string {
  if (!result.runs?.length) return '';
  const colors = targetColors(result);
  const rows = deltaRows(result);
  const head = `<thead><tr><th scope="col">target</th><th scope="col" class="text">run</th>${DELTA_METRICS.map(
    (m) => `<th scope="col">${e(m.label)}</th><th scope="col">Δ</th><th scope="col">Δ %</th>`,
  ).join('')}</tr></thead>`;
  const body = rows.map((r) => {
    const cells = DELTA_METRICS.map((m) => {
      const c = r.cells[m.key]!;
      const cls = c.delta === null || c.delta === 0 ? '' : ' class="delta"';
      return `<td>${e(formatFigure(m.unit, c.value))}</td><td${cls}>${r.first ? '<small>first</small>' : e(formatDelta(m.unit, c.delta))}</td><td${cls}>${e(formatDeltaPct(c.deltaPct))}</td>`;
    }).join('');
    return `<tr${r.first ? ' class="group"' : ''}><th scope="row"${isLong(r.target) ? ' class="long"' : ''}>${swatch(colors[r.index]!)}${e(r.target)}</th>${textCell(r.run)}${cells}</tr>`;
  });
  return `<section class="deltas" id="deltas"><h2>Side by side: change against the first run</h2>
<table><caption class="note">Each target's figures per run, grouped by target; Δ is against the first run that has the target (rates in percentage points).</caption>${head}<tbody>${body.join('\n')}</tbody></table></section>`;
}
