// The generator collects its garbage before each phase's schedule (src/scenarios/engine/heap.ts):
// without it, the phase's first scavenge copied the run's setup and paused sends 4–10 ms.
// Real HTTP on 127.0.0.1, a trivial server; the collections are seen by a PerformanceObserver.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { constants, PerformanceObserver, performance, type PerformanceEntry } from 'node:perf_hooks';
import { collectGarbage } from '../../../src/scenarios/engine/heap.ts';
import { runPlan } from '../../../src/scenarios/runner.ts';
import { httpTarget, phase, plan } from '../../helpers/plans.ts';
import { startServer, type TestServer } from '../../helpers/servers.ts';

const servers: TestServer[] = [];
const heap = suite('generator heap before a phase');
heap.after(() => servers.forEach((s) => s.stop()));

/** Full (mark-compact) collections seen while `fn` runs and just after: [start, end] in performance.now() ms. */
async function majorCollections(fn: () => Promise<void> | void): Promise<[number, number][]> {
  const seen: [number, number][] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[])
      if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) seen.push([e.startTime, e.startTime + e.duration]);
  });
  obs.observe({ entryTypes: ['gc'] });
  await fn();
  await new Promise((r) => setTimeout(r, 50)); // entries are delivered asynchronously
  obs.disconnect();
  return seen;
}

heap('collectGarbage runs a full collection, without leaving `gc` on the global object', async () => {
  let ms: number | null = null;
  const seen = await majorCollections(() => {
    (globalThis as { junk?: unknown }).junk = Array.from({ length: 50_000 }, (_, i) => ({ i }));
    ms = collectGarbage();
  });
  assert.type(ms, 'number');
  assert.ok(ms! >= 0);
  assert.ok(seen.length >= 1, 'a mark-compact was observed');
  assert.is((globalThis as { gc?: unknown }).gc, undefined);
});

heap('each phase starts right after a full collection', async () => {
  const s = await startServer('trivial');
  servers.push(s);
  const phaseAt: number[] = [];
  const seen = await majorCollections(async () => {
    const r = await runPlan(
      plan(
        [httpTarget('t', { url: s.url, method: 'GET' })],
        [phase({ kind: 'steady', rate: 20, duration: '0.3s' }), phase({ kind: 'steady', rate: 20, duration: '0.3s' })],
      ),
      { onEvent: (e) => (e.kind === 'phase' ? phaseAt.push(performance.now()) : undefined) },
    );
    assert.is(r.targets[0]!.phases.length, 2);
  });
  assert.is(phaseAt.length, 2);
  for (const [i, at] of phaseAt.entries()) {
    // The collection ends before the phase is announced and its schedule starts, within the setup of the phase.
    const before = seen.filter(([, end]) => end <= at && end >= at - 250);
    assert.ok(
      before.length >= 1,
      `phase ${i + 1}: no full collection in the 250 ms before it (${JSON.stringify(seen)}, at ${at})`,
    );
  }
});

heap.run();
