// The memory sweep on the real local runtime: the inner burst runs once per
// size; each size starts from cold instances (changing memory replaces them);
// a function holding 150 MB of heap runs out of memory at 128 MB and succeeds
// at 256 and 512; every invocation is priced at its size; the configured size
// is back after the sweep. A driver without setMemory is a run error.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LAMBDA_PRICES } from '../../../src/cost/prices.ts';
import { runFixture } from '../../helpers/phases.ts';

const test = suite('memory sweep on the local runtime');

test('per-size results: out of memory at 128 MB, fine at 256 and 512, each size cold first, priced at its size', async () => {
  const { result, samples } = await runFixture('memory');
  const t = result.targets[0]!;
  assert.is(t.error, undefined);
  assert.is(t.memoryMB, 128);
  assert.equal(
    t.phases.map((p) => [p.name, p.round, p.memoryMB, p.requests, p.ok, p.errors['out-of-memory'], p.coldStarts]),
    [
      // At 128 MB the instance dies each time, so round 2 is cold again.
      ['memory', 1, 128, 1, 0, 1, 1],
      ['memory', 2, 128, 1, 0, 1, 1],
      ['memory', 3, 256, 1, 1, 0, 1],
      ['memory', 4, 256, 1, 1, 0, 0],
      ['memory', 5, 512, 1, 1, 0, 1],
      ['memory', 6, 512, 1, 1, 0, 0],
      // The configured 128 MB is restored after the sweep: out of memory again.
      ['after', undefined, undefined, 1, 0, 1, 1],
    ],
  );
  // Cost: Lambda's request fee plus memory × billed duration, at each round's size.
  const p = LAMBDA_PRICES.x86_64;
  const sizeOfRound = new Map(t.phases.filter((x) => x.name === 'memory').map((x) => [x.round!, x.memoryMB!]));
  for (const s of samples) {
    const mb = s.phase === 'memory' ? sizeOfRound.get(s.round)! : 128;
    const expected = p.perRequestUSD + (mb / 1024) * (s.billedMs! / 1000) * p.perGBSecondUSD;
    assert.ok(Math.abs(s.costUSD! - expected) < 1e-15, `${s.phase} #${s.round}: ${s.costUSD} vs ${expected}`);
  }
  // Same work, twice the memory: the GB-seconds part of the price doubles for equal billed time.
  const warm256 = samples.find((s) => s.phase === 'memory' && s.round === 4)!;
  const warm512 = samples.find((s) => s.phase === 'memory' && s.round === 6)!;
  const perMs = (s: typeof warm256, mb: number) => (s.costUSD! - p.perRequestUSD) / s.billedMs! / mb;
  assert.ok(Math.abs(perMs(warm256, 256) - perMs(warm512, 512)) < 1e-18);
});

test('a driver without setMemory: a run error naming the capability, nothing sent', async () => {
  const { result, samples } = await runFixture('memory', { caps: { setMemory: false } });
  const t = result.targets[0]!;
  assert.match(t.error ?? '', /cannot change the memory size \(no capability setMemory\)/);
  assert.is(t.phases.length, 0);
  assert.is(samples.length, 0);
});

test('validation: sizes within Lambda’s range, an inner phase that is not a sweep', async () => {
  const { PHASES } = await import('../../../src/scenarios/phases/index.ts');
  const memoryPhase = PHASES.memory!;
  const ctx = { file: 's.ts', issues: [] as { field?: string; message: string }[] };
  memoryPhase.check(
    { kind: 'memory', sizes: [64, 256], phase: { kind: 'memory', sizes: [128], phase: {} } },
    'phases[0]',
    ctx,
  );
  assert.equal(
    ctx.issues.map((i) => i.field),
    ['phases[0].sizes[0]'],
  );
  const ctx2 = { file: 's.ts', issues: [] as { field?: string; message: string }[] };
  memoryPhase.check(
    { kind: 'memory', sizes: [256], phase: { kind: 'memory', sizes: [128], phase: {} } },
    'phases[0]',
    ctx2,
  );
  assert.equal(
    ctx2.issues.map((i) => i.field),
    ['phases[0].phase.kind'],
  );
  const ctx3 = { file: 's.ts', issues: [] as { field?: string; message: string }[] };
  memoryPhase.check({ kind: 'memory', sizes: [256], phase: { kind: 'burst', concurency: 2 } }, 'phases[0]', ctx3);
  assert.equal(
    ctx3.issues.map((i) => i.field),
    ['phases[0].phase.concurrency', 'phases[0].phase.concurency'],
  );
});

test.run();
