// Scenario payloads: a generator `(i) => payload` (i counts a target's
// invocations), a synthetic size, and bad ones stopped at load (exit 2).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ExitCode } from '../../../src/model/errors.ts';
import { checkPayload, toBytes } from '../../../src/scenarios/payload.ts';
import { isFxError } from '../../helpers/cli.ts';
import { FIXTURES, loadFixture, runFixture } from '../../helpers/phases.ts';

const unit = suite('checkPayload');

const check = (payload: unknown, size?: unknown) => {
  const ctx = { file: 's.ts', issues: [] as { field?: string; message: string }[] };
  const src = checkPayload(payload, size, ctx);
  return { src, issues: ctx.issues.map((i) => `${i.field}: ${i.message}`) };
};

unit('JSON values, strings and bytes', () => {
  assert.is(check(undefined).src.payload.toString(), '{}');
  assert.is(check({ a: 1 }).src.payload.toString(), '{"a":1}');
  assert.is(check('raw text').src.payload.toString(), 'raw text');
  assert.is(check(new Uint8Array([1, 2])).src.payload.length, 2);
  assert.is(check(null).src.payload.toString(), 'null');
  assert.is(Buffer.from(toBytes([1, 'x'])).toString(), '[1,"x"]');
});

unit('payloadSize: exactly that many bytes of JSON', () => {
  const { src, issues } = check(undefined, '64KB');
  assert.equal(issues, []);
  assert.is(src.payload.length, 65_536);
  assert.type(JSON.parse(src.payload.toString()).pad, 'string');
});

unit('generators: called per invocation; i = 0 is tried at load', () => {
  const calls: number[] = [];
  const { src, issues } = check((i: number) => {
    calls.push(i);
    return { i };
  });
  assert.equal(issues, []);
  assert.equal(calls, [0]);
  assert.is(Buffer.from(src.payloadFor!(7)).toString(), '{"i":7}');
});

unit('bad payloads: every issue named', () => {
  assert.equal(check({ a: 1 }, '1KB').issues, ['payloadSize: give either payload or payloadSize, not both']);
  assert.equal(check(undefined, 'huge').issues, [
    'payloadSize: expected a size such as "1KB" or "64KB" (at least 2 bytes), got "huge"',
  ]);
  assert.equal(check(() => undefined).issues, [
    'payload: the generator (i) => payload failed for i = 0: expected a JSON value, a string or bytes, got nothing',
  ]);
  assert.equal(check({ n: 1n }).issues, ['payload: Do not know how to serialize a BigInt']);
});

unit.run();

// ---

const run = suite('scenario payloads on the local runtime');

run('a generator sends a different body per invocation (i counts from 0)', async () => {
  const { result, samples } = await runFixture('payload-generator');
  const t = result.targets[0]!;
  assert.is(t.error, undefined);
  const sent = samples.sort((a, b) => a.round - b.round).map((s) => s.bytesOut);
  // {"i":0,"pad":"x"} is 17 bytes; each next invocation adds one pad character.
  assert.equal(sent, [17, 18, 19, 20]);
  assert.equal(
    samples.map((s) => s.bytesIn),
    sent,
    'echo returns each body unchanged',
  );
});

run('payloadSize sends synthetic bodies of exactly that size', async () => {
  const { result } = await runFixture('payload-size');
  const p = result.targets[0]!.phases[0]!;
  assert.equal([p.ok, p.bytesOut, p.bytesIn], [2, 2 * 65_536, 2 * 65_536]);
});

run('bad payloads stop at load with exit 2', async () => {
  await isFxError(() => loadFixture('payload-bad'), {
    exitCode: ExitCode.badInput,
    file: `${FIXTURES}/payload-bad.ts`,
    field: 'payloadSize',
    message: /either payload or payloadSize/,
  });
  await isFxError(() => loadFixture('payload-bad-generator'), {
    exitCode: ExitCode.badInput,
    file: `${FIXTURES}/payload-bad-generator.ts`,
    field: 'payload',
    message: /generator \(i\) => payload failed for i = 0: Do not know how to serialize a BigInt/,
  });
});

run.run();
