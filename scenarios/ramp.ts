// Ramp to the knee: after 3 s of warming (so the ramp measures capacity, not the
// first cold starts), raise the rate from 20/s to 200/s in 5 steps of 3 s
// against the local runtime, each step held to p99 ≤ 300 ms and ≤ 1% errors.
// The report gives the knee (highest rate still within the SLO) and the rate
// where it broke (none, if the machine keeps up). About 20 s.
import { defineScenario, ramp, steady } from 'fxbench';

export default defineScenario({
  name: 'ramp',
  description: 'Rate 20/s → 200/s in 5 steps against local-hello, SLO p99 ≤ 300 ms, errors ≤ 1%',
  targets: ['local-hello'],
  phases: [
    steady({ name: 'warm', rate: 50, duration: '3s' }),
    ramp({ from: 20, to: 200, steps: 5, duration: '15s', slo: { p99: '300ms', errorRate: 0.01 } }),
  ],
  payload: { name: 'fxbench' },
});
