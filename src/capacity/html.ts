/** The "Capacity plan" section of index.html: one table per target × provider, every figure with its basis. */
import { escapeHtml as e } from '../report/escape.ts';
import { planRows } from './format.ts';
import type { CapacityPlan } from './types.ts';

/** Renders the plan section (escaped throughout). */
export function planSection(plan: CapacityPlan): string {
  const o = plan.options;
  const head = `for ${o.rps} req/s${o.peakRps !== undefined ? `, peak ${o.peakRps} req/s for ${o.peakDurationS ?? 300} s` : ''}${o.p99SloMs !== undefined ? `, p99 ≤ ${o.p99SloMs} ms` : ''}${o.monthlyRequests !== undefined ? `, ${o.monthlyRequests.toLocaleString('en-US')} requests/month` : ''}`;
  const blocks = plan.targets.map((p) => {
    const rows = planRows(p)
      .map(([k, v, from]) => `<tr><th scope="row">${e(k)}</th><td>${e(v)}</td><td class="from">${e(from)}</td></tr>`)
      .join('\n');
    const missing = p.missing.length ? `<p class="note">not measured: ${e(p.missing.join('; '))}</p>` : '';
    return `<h3>${e(p.target)} on ${e(p.provider)}${p.provider !== p.measuredOn ? ` <small>(projected from ${e(p.measuredOn)})</small>` : ''}</h3>
<table class="plan"><thead><tr><th scope="col">figure</th><th scope="col">value</th><th scope="col">computed from</th></tr></thead><tbody>
${rows}
</tbody></table>${missing}`;
  });
  return `<section class="capacity-plan scroll" id="capacity-plan"><h2>Capacity plan</h2><p class="meta">${e(head)}</p>
${blocks.join('\n')}
<style>table.plan th:last-child, table.plan td.from { text-align: left; white-space: normal; color: var(--muted); font-size: 12px; } table.plan td { white-space: nowrap; }</style>
</section>`;
}
