// One local runtime process serves every run of a process at once (and their
// workers). Two runs whose targets share a name but not a function (here the
// delay function with DELAY_MS 0 and 300) must each get their own: the runtime
// names a registered function by its spec too. Before, the second registration
// replaced the first, and both runs measured the same build (seen in CI: the
// compare-noise test's "30% slower" build compared equal to the original).
// Real runtime process, real HTTP on 127.0.0.1; the drivers close it (by PID).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalDriver } from '../../../src/drivers/local/driver.ts';
import type { ResolvedTarget } from '../../../src/model/target.ts';
import { spec } from '../../helpers/runtime.ts';

const test = suite('two runs at once on the shared local runtime');

const target = (delayMs: number): ResolvedTarget => ({
  name: 'local-delay',
  provider: 'local',
  function: 'delay',
  arch: 'x86_64',
  localFunction: { ...spec('delay', { kind: 'node', code: 'functions/delay' }), env: { DELAY_MS: String(delayMs) } },
  options: {},
});

/** Wall time of one invocation, ms. */
async function timed(d: LocalDriver): Promise<number> {
  const t0 = performance.now();
  const o = await d.invoke({ seq: 0, payload: Buffer.from('{}') });
  assert.is(o.errorClass, null);
  return performance.now() - t0;
}

test('same target name, different functions: each run invokes its own', async () => {
  const fast = new LocalDriver(target(0));
  const slow = new LocalDriver(target(300));
  try {
    await Promise.all([fast.prepare(), slow.prepare()]);
    // Cold starts first, then warm invocations of each, interleaved.
    await Promise.all([timed(fast), timed(slow)]);
    const fastMs: number[] = [];
    const slowMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      fastMs.push(await timed(fast));
      slowMs.push(await timed(slow));
    }
    assert.ok(Math.min(...slowMs) >= 300, `the DELAY_MS=300 run waited 300 ms each time: ${slowMs.join(', ')}`);
    assert.ok(
      Math.min(...fastMs) < 250,
      `the DELAY_MS=0 run did not get the other's function: ${fastMs.map((x) => x.toFixed(1)).join(', ')}`,
    );
    // Two functions, one instance each: no instance served both.
    assert.is(new Set([...fast.pids(), ...slow.pids()]).size, 2);
  } finally {
    await Promise.all([fast.close(), slow.close()]);
  }
});

test('the same function from two drivers (the workers of one run) is one function: its warm instance is shared', async () => {
  const a = new LocalDriver(target(0));
  const b = new LocalDriver(target(0));
  try {
    await Promise.all([a.prepare(), b.prepare()]);
    await timed(a);
    await timed(b);
    assert.equal(a.pids(), b.pids(), 'b reused the instance a started');
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test.run();
