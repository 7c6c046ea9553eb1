// The arithmetic between samples and results.json on known samples (no timers, no
// processes): cold starts counted only from observed invocations with the method
// per sample, n/a with a reason when none was observed, distinct instances across
// a target (not the sum of per-phase counts), and the thresholds that read them.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { coldNaReason, initWaitNotes, mergeRecorded, observedMethod, phaseFigures } from '../../src/metrics/figures.ts';
import { mergeFigures } from '../../src/metrics/merge.ts';
import { Recorder } from '../../src/metrics/recorder.ts';
import { checkThresholds } from '../../src/metrics/threshold-parser.ts';
import { evaluateThresholds } from '../../src/metrics/thresholds.ts';
import type { ColdMethod } from '../../src/model/invocation.ts';
import type { PhaseResult, TargetResult } from '../../src/model/result.ts';
import type { Sample } from '../../src/model/sample.ts';

type Inv = { cold: boolean | null; method?: ColdMethod; id?: string };

/** A sample of `round` with the fields every test here shares; each test sets what it is about. */
const base = (round: number, seq: number): Sample => ({
  target: 't',
  phase: 'burst',
  round,
  seq,
  intendedNs: 0,
  startNs: 0,
  latencyUs: 1000,
  status: 200,
  errorClass: null,
  bytesOut: 2,
  bytesIn: 2,
  cold: false,
  coldMethod: 'provider',
});

function recorder(round: number, invs: Inv[]): Recorder {
  const rec = new Recorder();
  invs.forEach((v, seq) => {
    rec.add({
      ...base(round, seq),
      intendedNs: seq * 1e6,
      startNs: seq * 1e6,
      latencyUs: 5000,
      cold: v.cold,
      coldMethod: v.cold === null ? null : (v.method ?? 'instance-id'),
      instanceId: v.id,
    });
  });
  return rec;
}

const figures = suite('phase figures');

figures('cold starts from observed invocations only, with the observing method counted', () => {
  const r = recorder(1, [
    { cold: true, method: 'provider' },
    { cold: false, method: 'provider' },
    { cold: null },
    { cold: true, method: 'instance-id' },
  ]).recorded;
  const f = phaseFigures(r, null, 'no header');
  assert.equal([f.coldStarts, f.coldObserved, f.coldStartRate, f.coldNa], [2, 3, 2 / 3, undefined]);
  assert.equal(f.coldMethods, { provider: 2, 'instance-id': 1 });
  assert.is(observedMethod(f.coldMethods), 'provider');
});

figures('no invocation observed: n/a with the driver reason and the count, never 0 (0%) as a figure', () => {
  const f = phaseFigures(recorder(1, [{ cold: null }, { cold: null }, { cold: null }]).recorded, null, 'no REPORT');
  assert.equal([f.coldObserved, f.coldNa, f.coldMethods], [0, 'no REPORT (3 of 3 invocations unobserved)', undefined]);
  assert.is(observedMethod(f.coldMethods), 'none');
  assert.is(coldNaReason(0), 'no invocations');
  // Shards: n/a only if no shard observed one; the reason keeps the driver's words and the merged count.
  const merged = mergeFigures([f, f]);
  assert.equal([merged.coldObserved, merged.coldNa], [0, 'no REPORT (6 of 6 invocations unobserved)']);
  const seen = phaseFigures(recorder(1, [{ cold: true }]).recorded, null);
  const mixed = mergeFigures([f, seen]);
  assert.equal([mixed.coldObserved, mixed.coldNa, mixed.coldStarts], [1, undefined, 1]);
});

figures(
  'instances across phases are distinct: one instance in 2 rounds is 1; 12 ids over rounds of 8 and 8 are 12',
  () => {
    const one = [recorder(1, [{ cold: true, id: 'a' }]), recorder(2, [{ cold: false, id: 'a' }])];
    assert.is(mergeRecorded(one.map((r) => r.recorded)).instances, 1);
    const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ cold: false, id: `i${from + i}` }));
    const twelve = [recorder(1, ids(0, 8)), recorder(2, ids(4, 8))];
    assert.equal(
      twelve.map((r) => r.recorded.instances),
      [8, 8],
    );
    assert.is(mergeRecorded(twelve.map((r) => r.recorded)).instances, 12);
  },
);

const thresholds = suite('thresholds on cold starts and instances');

function target(name: string, rounds: Recorder[]): TargetResult {
  const phases: PhaseResult[] = rounds.map((r, i) => ({
    name: 'burst',
    kind: 'burst',
    round: i + 1,
    ...phaseFigures(r.recorded, null),
  }));
  return {
    name,
    provider: 'lambda',
    function: 'f',
    memoryMB: 128,
    coldStartMethod: 'provider',
    phases,
    summary: phaseFigures(mergeRecorded(rounds.map((r) => r.recorded)), null),
  };
}

function run(raw: Record<string, unknown>, targets: TargetResult[]) {
  const ctx = { file: 's.ts', issues: [] };
  const specs = checkThresholds(raw, 'thresholds', ctx, { targets: targets.map((t) => t.name), phases: ['burst'] });
  assert.equal(ctx.issues, []);
  return evaluateThresholds(specs, targets).map((o) => [o.target, o.metric, o.actual, o.ok]);
}

thresholds('cold.count == 0 on no observed signal fails as no data, like cold.rate', () => {
  const blind = target('blind', [recorder(1, [{ cold: null }, { cold: null }])]);
  const seen = target('seen', [recorder(1, [{ cold: false }, { cold: false }])]);
  assert.equal(run({ 'cold.count': '== 0', 'cold.rate': '== 0' }, [blind, seen]), [
    ['blind', 'cold.count', null, false],
    ['seen', 'cold.count', 0, true],
    ['blind', 'cold.rate', null, false],
    ['seen', 'cold.rate', 0, true],
  ]);
});

thresholds('instances.count reads distinct instances: the summary for a target, a round for a round', () => {
  const t = target('t', [
    recorder(1, [
      { cold: true, id: 'a' },
      { cold: true, id: 'b' },
    ]),
    recorder(2, [
      { cold: false, id: 'a' },
      { cold: false, id: 'b' },
    ]),
  ]);
  assert.is(t.summary!.instances, 2);
  assert.equal(
    run(
      {
        'instances.count': '== 2',
        'instances.count{phase:burst,round:2}': '== 2',
        'instances.count{phase:burst}': '<= 4',
      },
      [t],
    ),
    [
      ['t', 'instances.count', 2, true],
      ['t', 'instances.count', 2, true],
      // Two rounds' counts do not add to distinct instances and their ids are not in the result: no data.
      ['t', 'instances.count', null, false],
    ],
  );
});

/** A phase's figures from cold starts split as [init, cpu, wait] ms (undefined: not split), and one warm invocation. */
function splitFigures(round: number, splits: ([number, number, number] | [number])[]) {
  const rec = new Recorder();
  splits.forEach(([init, cpu, wait], seq) =>
    rec.add({
      ...base(round, seq),
      cold: true,
      initMs: init,
      ...(cpu === undefined ? {} : { initCpuMs: cpu, initWaitMs: wait }),
    }),
  );
  // One warm invocation: no init, nothing to split.
  rec.add({ ...base(round, 99), cold: false });
  return { name: 'burst', kind: 'burst', round, ...phaseFigures(rec.recorded, null) } as PhaseResult;
}

figures(
  'init split: means over the cold starts the platform split, exact across shards, a note when the wait outweighs the CPU',
  () => {
    // Two split cold starts and one the platform did not split (another driver, no /proc): means of the two.
    const a = splitFigures(1, [[500, 50, 400], [300, 50, 200], [900]]);
    assert.equal(a.initSplit, { observed: 2, initMs: 400, cpuMs: 50, waitMs: 300 });
    assert.is(splitFigures(1, [[900]]).initSplit, undefined, 'nothing split: no figure (not zeros)');
    // Shards (or --workers) of one phase: weighted by their counts, as if recorded together.
    const b = splitFigures(1, [[100, 60, 10]]);
    const merged = mergeFigures([a, b]);
    assert.equal(merged.initSplit, { observed: 3, initMs: 300, cpuMs: 53.3, waitMs: 203.3 });
    // The note: one per target and phase (rounds together), only where the wait outweighed the CPU.
    const target = (phases: PhaseResult[]) => [{ name: 'local-hello', phases }];
    const notes = initWaitNotes(target([a, splitFigures(2, [[100, 60, 10]])]));
    assert.equal(notes, [
      'local-hello/burst: of 300 ms init (mean of 3 cold starts), 203 ms waiting for a CPU and 53 ms on one: ' +
        "the runtime machine's cores were taken (instances booting at once, or other load); the init figures and the cost projected from them include that wait",
    ]);
    assert.equal(initWaitNotes(target([b])), [], 'waited less than it ran: no note');
    assert.equal(initWaitNotes(target([splitFigures(1, [[20, 2, 8]])])), [], 'a wait under 10 ms: no note');
  },
);

figures.run();
thresholds.run();
