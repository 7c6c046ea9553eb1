/**
 * One memory measurement for bench/load-memory.ts, in a fresh process:
 *
 *   node --import tsx bench/load-memory-child.ts <runner|recorder> <invocations>
 *
 * runner:   the whole engine (runPlan, closed model, 16 users) against an
 *           in-process fake driver that answers on the next tick;
 * recorder: Recorder.add fed directly, 1,000 samples per simulated second, so a
 *           million samples span 1,000 seconds of per-second timeline.
 * Prints { invocations, maxRssMB, nsPerSample }.
 */
import type { Driver } from '../src/drivers/types.ts';
import { Recorder } from '../src/metrics/recorder.ts';
import type { Sample } from '../src/model/sample.ts';
import { steadyPhase } from '../src/scenarios/phases/steady.ts';
import { runPlan } from '../src/scenarios/runner.ts';

const [mode, n] = process.argv.slice(2);
const N = Number(n);

const fake: Driver = {
  capabilities: {
    forceCold: false,
    reportsInitDuration: false,
    reportsBilledDuration: false,
    setMemory: false,
    instanceId: false,
  },
  info: () => ({ name: 'fake', provider: 'fake', function: 'f', memoryMB: null, coldStartMethod: 'none' }),
  prepare: async () => undefined,
  invoke: async (inv) => {
    await new Promise<void>((r) => setImmediate(r));
    return {
      status: 200,
      errorClass: null,
      bytesIn: 11,
      bytesOut: 0,
      cold: inv.seq === 0,
      coldMethod: 'instance-id',
      instanceId: 'i',
    };
  },
  close: async () => undefined,
  priceModel: () => ({ source: 'none', price: () => undefined }),
};

const t0 = performance.now();
if (mode === 'runner') {
  const settings = steadyPhase.check({ kind: 'steady', users: 16, requests: N, duration: '1h' }, 'p', { issues: [] })!;
  const plan = {
    file: 'bench',
    name: 'mem',
    targets: [{ name: 'fake', provider: 'fake', function: '', arch: 'x86_64' as const, options: {} }],
    phases: [{ kind: 'steady', name: 'steady', settings: settings as unknown as Record<string, unknown> }],
    payload: Buffer.alloc(0),
    outRoot: '/tmp',
  };
  const r = await runPlan(plan, { createDriver: () => fake });
  if (r.targets[0]!.phases[0]!.requests !== N)
    throw new Error(`ran ${r.targets[0]!.phases[0]!.requests}, expected ${N}`);
} else {
  const rec = new Recorder({ originNs: 0 });
  const s: Sample = {
    target: 't',
    phase: 'p',
    round: 1,
    seq: 0,
    intendedNs: 0,
    startNs: 0,
    latencyUs: 0,
    status: 200,
    errorClass: null,
    bytesOut: 0,
    bytesIn: 11,
    cold: false,
    coldMethod: 'instance-id',
  };
  let x = 1;
  for (let i = 0; i < N; i++) {
    x = (x * 48271) % 2147483647;
    s.latencyUs = 100 + (x % 100_000); // 0.1–100 ms
    s.intendedNs = i * 1e6; // 1,000 per second
    s.startNs = s.intendedNs;
    s.errorClass = i % 1000 === 0 ? 'http-5xx' : null;
    rec.add(s);
  }
  if (rec.timelinePoints()!.length < Math.floor(N / 1000)) throw new Error('timeline short');
}
const took = performance.now() - t0;
process.stdout.write(
  JSON.stringify({ invocations: N, maxRssMB: process.resourceUsage().maxRSS / 1024, nsPerSample: (took * 1e6) / N }) +
    '\n',
);
