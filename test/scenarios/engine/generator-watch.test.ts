// Why an open-model schedule fell behind, said in its "could not keep up" line: the generator's
// garbage-collection pauses and its main thread's waits for a CPU (src/scenarios/engine/generator-watch.ts).
// The end-to-end case is real HTTP on 127.0.0.1 (a trivial server) with a full collection forced mid-phase.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { collectGarbage } from '../../../src/scenarios/engine/heap.ts';
import { keepUpLine, watchGenerator } from '../../../src/scenarios/engine/generator-watch.ts';
import { runPlan } from '../../../src/scenarios/runner.ts';
import { httpTarget, phase, plan } from '../../helpers/plans.ts';
import { startServer, type TestServer } from '../../helpers/servers.ts';

const servers: TestServer[] = [];
const watch = suite('generator watch');
watch.after(() => servers.forEach((s) => s.stop()));

watch('a collection during the watch is counted, with its pause; the CPU wait is read from /proc', async () => {
  const w = watchGenerator();
  (globalThis as { keep?: unknown }).keep = Array.from({ length: 200_000 }, (_, i) => ({ i }));
  const gcMs = collectGarbage()!;
  (globalThis as { keep?: unknown }).keep = undefined;
  const s = await w.stop();
  assert.ok(s.gcCount >= 1, `${s.gcCount} collections`);
  // A forced full collection may show as more than one pause (V8 collects again for what finalizers freed).
  assert.ok(s.gcTotalMs >= gcMs * 0.8, `${s.gcTotalMs} ms of pauses, the forced collection took ${gcMs} ms`);
  assert.ok(s.gcTotalMs >= s.gcMaxMs && s.gcMaxMs > 0);
  if (process.platform === 'linux') {
    assert.type(s.cpuWaitMs, 'number');
    assert.ok(s.cpuWaitMs! >= 0);
  }
});

watch('the line gives the count, the worst lateness, the pauses and the wait; unknown stays unknown', () => {
  const stats = { planned: 250, sent: 250, late: 1, worstLateMs: 13.14, dropped: 0, maxInFlight: 12 };
  assert.is(
    keepUpLine(stats, { gcCount: 1, gcMaxMs: 10.72, gcTotalMs: 10.72, cpuWaitMs: 5.66 }),
    'could not keep up: 1 sends late (the latest 13 ms after its time), 0 dropped (peak 12 in flight); ' +
      'meanwhile in the generator 1 garbage collection paused it 11 ms (the longest 11 ms), ' +
      'and its main thread waited 5.7 ms in all for a CPU (other processes had the cores)',
  );
  assert.match(
    keepUpLine({ ...stats, maxInFlight: 2 }, { gcCount: 0, gcMaxMs: 0, gcTotalMs: 0, cpuWaitMs: 0 }, 2),
    /\(peak 2 in flight\); the in-flight cap \(2\) held sends back while the target answered; meanwhile/,
  );
  assert.not.match(keepUpLine(stats, { gcCount: 0, gcMaxMs: 0, gcTotalMs: 0, cpuWaitMs: 0 }, 1000), /in-flight cap/);
  assert.match(
    keepUpLine(stats, { gcCount: 0, gcMaxMs: 0, gcTotalMs: 0, cpuWaitMs: null }),
    /no garbage collection paused it, and its waits for a CPU are unknown here \(no \/proc\)$/,
  );
});

watch('a steady phase stalled by a collection says so: late sends, the pause behind them', async () => {
  const s = await startServer('trivial');
  servers.push(s);
  const lines: string[] = [];
  let forcedMs = 0;
  const r = await runPlan(
    plan([httpTarget('t', { url: s.url, method: 'GET' })], [phase({ kind: 'steady', rate: 100, duration: '0.8s' })]),
    {
      onEvent: (e) => {
        if (e.kind === 'progress') lines.push(e.message);
        if (e.kind === 'phase')
          setTimeout(() => {
            // A live heap large enough that its full collection stalls the loop past several sends (10 ms apart).
            (globalThis as { keep?: unknown }).keep = Array.from({ length: 300_000 }, (_, i) => ({ i, s: String(i) }));
            forcedMs = collectGarbage()!;
            (globalThis as { keep?: unknown }).keep = undefined;
          }, 200);
      },
    },
  );
  const p = r.targets[0]!.phases[0]!;
  assert.ok(forcedMs > 20, `the forced collection took ${forcedMs} ms`);
  assert.ok(p.late! >= 1, `${p.late} late`);
  const line = lines.find((l) => l.startsWith('could not keep up'));
  assert.ok(line, `no "could not keep up" line in ${JSON.stringify(lines)}`);
  const m =
    /^could not keep up: (\d+) sends late \(the latest ([\d.]+) ms after its time\).* paused it ([\d.]+) ms \(the longest/.exec(
      line!,
    );
  assert.ok(m, line);
  assert.is(Number(m![1]), p.late);
  assert.ok(Number(m![2]) >= forcedMs - 10, `latest ${m![2]} ms late, the stall was ${forcedMs} ms`);
  assert.ok(Number(m![3]) >= forcedMs * 0.8, `pauses ${m![3]} ms in all, the forced collection ${forcedMs} ms`);
});

watch.run();
