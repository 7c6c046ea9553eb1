// The keep-alive survival curve on the real local runtime: the function's idle
// timeout is 1 s, so an instance left idle 300 ms is still warm and one left
// idle 2 s was reaped: the curve turns from warm to cold between the two gaps.
// Margins: 700 ms below and 1 s above the idle timeout.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runFixture } from '../../helpers/phases.ts';

const test = suite('keepalive on the local runtime');

test('cold probability is 0 after 300 ms idle and 1 after 2 s idle (idle timeout 1 s)', async () => {
  const { result, samples } = await runFixture('keepalive');
  const t = result.targets[0]!;
  assert.is(t.error, undefined);
  assert.equal(
    t.phases.map((p) => [p.kind, p.round, p.idleGapMs, p.requests, p.ok, p.coldStarts, p.coldStartRate]),
    [
      ['keepalive', 1, 300, 2, 2, 0, 0],
      ['keepalive', 2, 2000, 2, 2, 2, 1],
    ],
  );
  // Only probes are recorded (warming invocations are not): 2 per gap.
  assert.is(samples.length, 4);
});

test('validation: gaps must be positive durations', async () => {
  const { keepalivePhase } = await import('../../../src/scenarios/phases/keepalive.ts');
  const ctx = { file: 's.ts', issues: [] as { field?: string; message: string }[] };
  keepalivePhase.check({ kind: 'keepalive', idleGaps: ['1s', 'soon', 0], probesPerGap: 0 }, 'phases[0]', ctx);
  assert.equal(
    ctx.issues.map((i) => i.field),
    ['phases[0].idleGaps[1]', 'phases[0].idleGaps[2]', 'phases[0].probesPerGap'],
  );
});

test.run();
