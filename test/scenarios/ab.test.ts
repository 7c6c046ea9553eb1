// A/B in one run (src/scenarios/ab.ts, src/metrics/compare-ab.ts): blocks run
// in ABBA order, each block a run of its own against one arm; blocks 2k and
// 2k+1 pair up (one of each arm, adjacent in time); the paired test finds a
// 30% slower candidate under drift that moves both arms of a pair alike, and
// does not call an unchanged candidate worse under the same drift.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRules } from '../../src/metrics/compare-metrics.ts';
import { abPairs, compareAB, judgePairs } from '../../src/metrics/compare-ab.ts';
import type { Result } from '../../src/model/result.ts';
import { abOrder, checkAb, runAB } from '../../src/scenarios/ab.ts';
import type { Plan } from '../../src/scenarios/plan.ts';
import { lognormalUs, phase, result, target } from '../helpers/results.ts';

const ab = suite('A/B blocks');

ab('ABBA order, and pairs of adjacent blocks, one of each arm', () => {
  assert.equal(abOrder(8).join(''), 'ABBAABBA');
  assert.equal(abOrder(6).join(''), 'ABBAAB');
  assert.equal(abPairs(abOrder(8)), [
    { a: 0, b: 1 },
    { a: 3, b: 2 },
    { a: 4, b: 5 },
    { a: 7, b: 6 },
  ]);
  // A run cut short after 5 blocks: two complete pairs.
  assert.equal(abPairs(abOrder(8).slice(0, 5)), [
    { a: 0, b: 1 },
    { a: 3, b: 2 },
  ]);
  // Drift linear in time cancels over an ABBA quadruple: A at 0 and 3, B at 1 and 2.
  const t = (arm: 'A' | 'B') => abOrder(8).flatMap((x, i) => (x === arm ? [i] : []));
  assert.is(
    t('A').reduce((s, x) => s + x, 0),
    t('B').reduce((s, x) => s + x, 0),
  );
});

ab('scenario check: two of its targets, distinct, an even number of blocks ≥ 6', () => {
  const ctx = { file: 's.ts', issues: [] as { field?: string; message: string }[] };
  assert.equal(checkAb({ baseline: 'a', candidate: 'b' }, ['a', 'b'], ctx), {
    baseline: 'a',
    candidate: 'b',
    blocks: 10,
  });
  assert.equal(ctx.issues, []);
  checkAb({ baseline: 'a', candidate: 'a', blocks: 7, extra: 1 }, ['a', 'b'], ctx);
  assert.equal(
    ctx.issues.map((i) => i.field),
    ['ab.extra', 'ab.candidate', 'ab.blocks'],
  );
  const c2 = { file: 's.ts', issues: [] as { field?: string; message: string }[] };
  checkAb({ baseline: 'x', candidate: 'b' }, ['a', 'b'], c2);
  assert.match(c2.issues[0]!.message, /expected one of the scenario's targets \(a, b\), got "x"/);
});

/** A fake block run: the block's one target, warm latency `ms(block, target)`. */
function fakeRunner(ms: (block: number, target: string) => number) {
  const calls: string[] = [];
  const runOne = async (p: Plan): Promise<Result> => {
    const name = p.targets[0]!.name;
    const block = calls.length;
    calls.push(name);
    assert.is(p.targets.length, 1);
    assert.is(p.ab, undefined, 'a block runs as a plain plan');
    const ph = phase({ warmUs: lognormalUs(40, ms(block, name), 100 + block, 0.05), coldUs: [150_000] });
    const r = result([{ ...target(name, [ph]), summary: ph }]);
    r.startedAt = new Date(Date.UTC(2026, 10, 30, 8, 0, block)).toISOString();
    return r;
  };
  return { calls, runOne };
}
const plan = (blocks: number) =>
  ({
    name: 'ab',
    file: 'ab.ts',
    targets: [
      { name: 'main', provider: 'local' },
      { name: 'pr', provider: 'local' },
    ],
    phases: [],
    payload: Buffer.from('{}'),
    outRoot: 'reports',
    ab: { baseline: 'main', candidate: 'pr', blocks },
  }) as unknown as Plan & { ab: NonNullable<Plan['ab']> };

ab('runAB runs blocks in ABBA order and keeps every phase with its block', async () => {
  const { calls, runOne } = fakeRunner(() => 20);
  const r = await runAB(plan(8), undefined, runOne);
  assert.equal(calls, ['main', 'pr', 'pr', 'main', 'main', 'pr', 'pr', 'main']);
  assert.equal(r.ab, { baseline: 'main', candidate: 'pr', blocks: 8, order: abOrder(8) });
  assert.equal(
    r.targets.map((t) => [t.name, t.phases.map((p) => p.abBlock)]),
    [
      ['main', [0, 3, 4, 7]],
      ['pr', [1, 2, 5, 6]],
    ],
  );
  assert.is(r.targets[0]!.summary!.requests, 4 * 41);
  assert.is(r.startedAt, '2026-11-30T08:00:00.000Z');
  assert.is(r.interrupted, false);
});

const rules = parseRules(undefined).rules;
const warm = (v: ReturnType<typeof compareAB>) => v.targets[0]!.metrics.find((m) => m.metric === 'latency.warm.p50')!;
// Strong drift: the machine gets 8% slower every block (+75% over 8 blocks), both arms alike.
const drift = (block: number) => 20 * 1.08 ** block;

ab('under strong drift, a 30% slower candidate is a regression, from the pairs', async () => {
  const { runOne } = fakeRunner((b, t) => drift(b) * (t === 'pr' ? 1.3 : 1));
  const v = compareAB(await runAB(plan(8), undefined, runOne), rules);
  assert.is(v.mode, 'ab');
  assert.is(v.abPairs, 4);
  const m = warm(v);
  assert.is(m.verdict, 'regression', JSON.stringify(m));
  assert.ok(Math.abs(m.change! - 0.3) < 0.05, `change ${m.change}`);
  assert.match(m.note!, /^paired over 4 block pairs: \+\d+\.\d%, 95% interval \+\d+\.\d% … \+\d+\.\d%$/);
  assert.is(v.targets[0]!.target, 'pr vs main');
  assert.not.ok(v.ok);
});

ab('under the same drift, an unchanged candidate is not worse', async () => {
  const { runOne } = fakeRunner((b) => drift(b));
  const v = compareAB(await runAB(plan(8), undefined, runOne), rules);
  const m = warm(v);
  assert.ok(m.verdict === 'ok' || m.verdict === 'noise', JSON.stringify(m));
  assert.ok(Math.abs(m.change!) < 0.05, `change ${m.change}`);
  assert.ok(v.ok, JSON.stringify(v.targets[0]!.metrics.filter((x) => x.verdict === 'regression')));
});

ab('paired test: consistent small pairs are credible, scattered ones are noise, fewer than 3 pairs n/a', () => {
  const rule = parseRules('latency.warm.p50=+10%').rules.find((r) => r.metric.name === 'latency.warm.p50')!;
  const steady = judgePairs(rule, [
    [20, 24],
    [30, 36],
    [25, 30],
    [22, 26.4],
  ]);
  assert.is(steady.verdict, 'regression');
  assert.ok(Math.abs(steady.change! - 0.2) < 1e-9);
  const scattered = judgePairs(rule, [
    [20, 40],
    [30, 27],
    [25, 35],
    [22, 20],
  ]);
  assert.is(scattered.verdict, 'noise');
  assert.match(scattered.note!, /^beyond the allowance, but not credibly worse \(paired over 4 block pairs/);
  const few = judgePairs(rule, [
    [20, 40],
    [30, null],
    [25, 50],
  ]);
  assert.is(few.verdict, 'n/a');
  assert.is(few.note, '2 pairs with this figure on both sides; 3 are needed');
});

ab('compare refuses a result that is not an A/B run (exit 2)', () => {
  try {
    compareAB(result([target('x', [phase({ warmUs: [1000] })])]), rules, undefined, 'r.json');
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /ab: not an A\/B run/);
  }
});

ab.run();
