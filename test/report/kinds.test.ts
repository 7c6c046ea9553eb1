// Golden data checks per chart kind: the data each kind's chart is drawn from
// (the spec's named datasets) for a fixture run, and each kind's answer in the
// headline. The charts themselves are rendered in Chromium by browser.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCharts } from '../../src/report/charts/index.ts';
import { memoryOptima, memorySizes } from '../../src/report/charts/memory.ts';
import { headline } from '../../src/report/headline.ts';
import type { Result } from '../../src/model/result.ts';
import { memorySweepFixture, payloadSweepFixture } from '../helpers/results.ts';

const chart = (r: Result, id: string) => {
  const c = buildCharts(r).find((x) => x.id === id);
  assert.ok(c, `chart ${id} drawn`);
  return c!;
};

// ---
const memory = suite('memory sweep (Power Tuning style)');

memory('a failed size is left off both lines, drawn as an error, and never named the optimum', () => {
  const r = memorySweepFixture();
  const sizes = memorySizes(r);
  const s128 = sizes.find((s) => s.memoryMB === 128)!;
  assert.ok(s128.failed);
  assert.is(
    s128.errors,
    r.targets[0]!.phases.filter((p) => p.memoryMB === 128).reduce((n, p) => n + p.errors['out-of-memory'], 0),
  );
  assert.ok(s128.errors > 0 && s128.errors < s128.requests, 'some, not all, failed');
  // Priced at all, 128 MB would be the cheapest: the optimum must not take it.
  const priced = sizes.filter((s) => s.perMillionUSD !== null);
  assert.is(priced.reduce((a, b) => (a.perMillionUSD! < b.perMillionUSD! ? a : b)).memoryMB, 128);
  const [o] = memoryOptima(sizes);
  assert.is(o!.cheapest!.memoryMB, 256, 'cheapest among the sizes that did not fail');
  assert.is(o!.fastest!.memoryMB, 1024, 'more memory, more CPU: fastest at the top');
  assert.ok([256, 512, 1024].includes(o!.balanced!.memoryMB));
  assert.equal(
    o!.failed.map((s) => s.memoryMB),
    [128],
  );
  const c = chart(r, 'memory');
  const latency = c.datasets.memoryLatency as { memoryMB: number; measure: string; value: number }[];
  const cost = c.datasets.memoryCost as { memoryMB: number; perMillionUSD: number }[];
  assert.equal([...new Set(latency.map((p) => p.memoryMB))], [256, 512, 1024]);
  assert.equal(
    cost.map((p) => p.memoryMB),
    [256, 512, 1024],
  );
  assert.equal(
    (c.datasets.memoryFailed as { memoryMB: number; label: string }[]).map((p) => [p.memoryMB, p.label]),
    [[128, `✕ ${s128.errors}/${s128.requests} failed`]],
  );
  const p50 = latency.find((p) => p.memoryMB === 512 && p.measure === 'p50 latency')!;
  assert.is(p50.value, sizes.find((s) => s.memoryMB === 512)!.p50Ms);
  assert.equal(
    (c.datasets.memoryPicks as { memoryMB: number; label: string }[])
      .find((p) => p.memoryMB === 256)!
      .label.split(' · ')[0],
    'cheapest',
  );
  // Two y axes: latency left, cost right.
  assert.equal((c.spec.resolve as { scale: { y: string } }).scale.y, 'independent');
  // The whole-run cost bar (an average over every size) is not drawn for a pure sweep.
  assert.not.ok(buildCharts(r).some((x) => x.id === 'cost'));
  // The headline names the optimum and the excluded size.
  const answer = headline(r).targets[0]!.answers[0]!;
  assert.match(answer, /^memory sweep: cheapest 256 MB \(\$[\d.]+ per 1M\), fastest 1024 MB/);
  assert.match(
    answer,
    new RegExp(`excluded: 128 MB failed ${s128.errors} of ${s128.requests} \\(${s128.errors} out-of-memory\\)$`),
  );
});

memory.run();

// ---
const payload = suite('payload sweep');

payload(
  'directions apart, a size that failed whole marked as an error (no latency), every size labelled, the limit drawn',
  () => {
    const r = payloadSweepFixture();
    const c = chart(r, 'payload');
    type Pt = { series: string; direction: string; payloadBytes: number; step: number; p50Ms: number; p99Ms: number };
    const pts = c.datasets.payload as Pt[];
    const MB = 1024 * 1024;
    assert.equal(
      pts.filter((p) => p.direction === 'request').map((p) => p.payloadBytes),
      [1024, 65_536, MB, 6 * MB],
      'request line: 7 MB failed whole and is not drawn as a latency',
    );
    assert.equal(
      pts.filter((p) => p.direction === 'response').map((p) => p.payloadBytes),
      [1024, 65_536, MB],
    );
    assert.equal([...new Set(pts.map((p) => p.series))].sort(), ['request', 'response']);
    const phase = r.targets[0]!.phases.find((p) => p.name === 'response' && p.payloadBytes === MB)!;
    const pt = pts.find((p) => p.direction === 'response' && p.payloadBytes === MB)!;
    assert.is(pt.p50Ms, phase.latencyMs!.p50);
    assert.is(pt.p99Ms, phase.latencyMs!.p99);
    const errors = c.datasets.payloadErrors as { payloadBytes: number; mark: string; errorClasses: string }[];
    assert.equal(
      errors.map((e) => [e.payloadBytes, e.mark, e.errorClasses]),
      [[7 * MB, '✕ 5/5 failed', '5 payload-too-large']],
    );
    // Every size is a tick with its label (no overlap culling).
    type Axis = { values: number[]; labelExpr: string; labelOverlap: boolean };
    const layers = (c.spec as { layer: { encoding?: { x?: { axis?: Axis } } }[] }).layer;
    const axis = layers[1]!.encoding!.x!.axis!;
    assert.equal(axis.values, [0, 1, 2, 3, 4]);
    assert.is(axis.labelOverlap, false);
    assert.match(axis.labelExpr, /^\["1KB","64KB","1MB","6MB","7MB"\]\[datum\.value\]/);
    // Lambda's 6 MB limit sits on the 6 MB step.
    assert.equal(
      (c.datasets.payloadLimits as { bytes: number; step: number; label: string }[]).map((l) => [
        l.bytes,
        l.step,
        l.label,
      ]),
      [[6 * MB, 3, '6MB limit (local)']],
    );
  },
);

payload.run();
