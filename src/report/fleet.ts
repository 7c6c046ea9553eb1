/**
 * The fleet block of a `run --fleet` result (terminal after the summary,
 * summary.md and index.html after the headline): how many generators ran and
 * where, how far apart they started, each missing share with its reason, and what
 * the fleet itself cost beside what the targets cost.
 */
import type { Result } from '../model/result.ts';

const usd = (x: number) => (x === 0 ? '$0' : x < 0.01 ? `$${x.toPrecision(3)}` : `$${x.toFixed(4)}`);

/** Max − min of the generators' actual starts against the agreed instant, ms; undefined with fewer than one start. */
export function startSpreadMs(r: Result): number | undefined {
  const offsets = (r.fleet?.workers ?? []).flatMap((w) => (w.startOffsetMs === undefined ? [] : [w.startOffsetMs]));
  return offsets.length ? Math.max(...offsets) - Math.min(...offsets) : undefined;
}

/** The fleet block of the text output; empty for a run without a fleet. */
export function formatFleet(r: Result): string {
  const f = r.fleet;
  if (!f) return '';
  const lines = [`fleet: ${f.generators} of ${f.shards} generators answered, on ${f.where}`];
  const offsets = f.workers.flatMap((w) => (w.startOffsetMs === undefined ? [] : [w.startOffsetMs]));
  if (offsets.length)
    lines.push(
      `  started ${Math.min(...offsets).toFixed(1)} to ${Math.max(...offsets).toFixed(1)} ms after the agreed instant ${f.startAt} (spread ${startSpreadMs(r)!.toFixed(1)} ms)`,
    );
  const ready = f.workers.flatMap((w) => (w.readyBeforeMs === undefined ? [] : [w.readyBeforeMs]));
  if (ready.length) {
    const least = Math.min(...ready);
    lines.push(
      least >= 0
        ? `  the last generator was ready ${least} ms before it`
        : `  the last generator was ready ${-least} ms after it and started late: raise --fleet-lead (cold functions load fxbench first)`,
    );
  }
  for (const w of f.workers) if (w.error) lines.push(`  ✗ shard ${w.shard} missing: ${w.error}`);
  if (f.cost) {
    const targets = r.targets.reduce((a, t) => a + (t.summary?.cost?.totalUSD ?? 0), 0);
    const priced = r.targets.some((t) => t.summary?.cost);
    lines.push(
      `  cost of the fleet: ${usd(f.cost.totalUSD)} (${f.cost.gbSeconds} GB-s, ${f.cost.requests} requests; ${f.cost.priceSource}; ${f.cost.basis.join(', ')})${priced ? `, beside the targets' ${usd(targets)}` : ''}`,
    );
  }
  if (f.missing.length)
    lines.push(
      `  partial result: shards ${f.missing.join(', ')} are missing; the figures cover ${f.generators} of ${f.shards}`,
    );
  return lines.join('\n');
}
