// The payload sweep on the real local runtime, through functions/echo: exact
// bytes each way per size, latency growing with size, and a size over Lambda's
// 6 MB synchronous limit classified payload-too-large without stopping the sweep.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { syntheticBody } from '../../../src/scenarios/payload.ts';
import { payloadPhase, sweepBody } from '../../../src/scenarios/phases/payload.ts';
import { runFixture } from '../../helpers/phases.ts';

const KB = 1024;
const MB = 1024 * KB;
/** echo answers `{"data":"x…x"}` for responseBytes N: N + 11 bytes. */
const RESPONSE_OVERHEAD = '{"data":""}'.length;

const bodies = suite('sweep bodies');

bodies('synthetic bodies are valid JSON of exactly the size asked', () => {
  for (const n of [2, 5, 9, 10, 11, 100, KB, 64 * KB]) {
    const b = syntheticBody(n);
    assert.is(b.length, n, `size ${n}`);
    assert.type(JSON.parse(b.toString()), 'object');
  }
  const both = sweepBody(KB, 'both');
  assert.is(both.length, KB);
  assert.is(JSON.parse(both.toString()).responseBytes, KB);
  assert.is(sweepBody(MB, 'response').toString(), `{"responseBytes":${MB}}`);
});

bodies('validation: sizes, direction, and bodies too small to ask for a response', () => {
  const ctx = { file: 's.ts', issues: [] as { field?: string; message: string }[] };
  payloadPhase.check({ kind: 'payload', sizes: ['1KB', 'big', '1GB'], direction: 'sideways' }, 'phases[0]', ctx);
  assert.equal(
    ctx.issues.map((i) => i.field),
    ['phases[0].sizes[1]', 'phases[0].sizes[2]', 'phases[0].direction'],
  );
  const ctx2 = { file: 's.ts', issues: [] as { field?: string; message: string }[] };
  payloadPhase.check({ kind: 'payload', sizes: [10], direction: 'both' }, 'phases[0]', ctx2);
  assert.equal(
    ctx2.issues.map((i) => [i.field, i.message]),
    [['phases[0].sizes[0]', 'with direction "both" a body must hold {"responseBytes":10}: at least 20 bytes, got 10']],
  );
});

bodies.run();

// ---

const run = suite('payload sweep on the local runtime');

run('request: exact bytes out and back per size; 7 MB is payload-too-large ×3 and the sweep goes on', async () => {
  const { result } = await runFixture('payload-request');
  const t = result.targets[0]!;
  assert.is(t.error, undefined);
  assert.equal(
    t.phases.map((p) => [p.round, p.payloadBytes, p.requests, p.ok, p.errors['payload-too-large'], p.coldStarts]),
    [
      [1, KB, 3, 3, 0, 0],
      [2, 7 * MB, 3, 0, 3, 0],
      [3, MB, 3, 3, 0, 0],
    ],
  );
  const [kb, big, mb] = t.phases;
  assert.is(kb!.bytesOut, 3 * KB);
  assert.is(kb!.bytesIn, 3 * KB, 'echo returns the body unchanged');
  assert.is(mb!.bytesOut, 3 * MB);
  assert.is(mb!.bytesIn, 3 * MB);
  assert.is(big!.cost, null, 'rejected invocations are not billed');
  assert.ok(
    mb!.latencyMs!.p50 > kb!.latencyMs!.p50,
    `1MB p50 ${mb!.latencyMs!.p50} ms > 1KB p50 ${kb!.latencyMs!.p50} ms`,
  );
});

run(
  'response: a small request asks for N bytes back; over 6 MB is payload-too-large (Lambda’s response limit)',
  async () => {
    const { result } = await runFixture('payload-response');
    const t = result.targets[0]!;
    assert.is(t.error, undefined);
    assert.equal(
      t.phases.slice(0, 2).map((p) => [p.payloadBytes, p.ok, p.bytesOut, p.bytesIn]),
      [
        [KB, 3, 3 * `{"responseBytes":${KB}}`.length, 3 * (KB + RESPONSE_OVERHEAD)],
        [MB, 3, 3 * `{"responseBytes":${MB}}`.length, 3 * (MB + RESPONSE_OVERHEAD)],
      ],
    );
    const big = t.phases[2]!;
    assert.equal([big.payloadBytes, big.requests, big.ok, big.errors['payload-too-large']], [7 * MB, 3, 0, 3]);
    assert.ok(big.bytesIn < 3 * 1024, 'the oversized answer is replaced by the error object');
  },
);

run('both: N bytes each way; 7 MB requests are payload-too-large', async () => {
  const { result } = await runFixture('payload-both');
  const t = result.targets[0]!;
  assert.is(t.error, undefined);
  // The over-limit row's bytesIn is the runtime's error body: not asserted here.
  assert.equal(
    t.phases.map((p) => [
      p.payloadBytes,
      p.ok,
      p.errors['payload-too-large'],
      p.bytesOut,
      p.payloadBytes === 7 * MB ? '-' : p.bytesIn,
    ]),
    [
      [KB, 3, 0, 3 * KB, 3 * (KB + RESPONSE_OVERHEAD)],
      [7 * MB, 0, 3, 3 * 7 * MB, '-'],
      [MB, 3, 0, 3 * MB, 3 * (MB + RESPONSE_OVERHEAD)],
    ],
  );
});

run.run();
