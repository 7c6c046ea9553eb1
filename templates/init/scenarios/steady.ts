// Steady load, both arrival models: two instances started first (so the steady
// phases measure warm invocations; scenarios/burst.ts measures cold starts), then
// 20 invocations per second for 5 s (open model: latency counts from each intended
// send time, so a stall shows), then 2 virtual users for 3 s (closed model). The CI
// workflow runs this one with --baseline, so a regression against the last good
// run fails the job.
//
//   npx fxbench run scenarios/steady.ts
import { burst, defineScenario, steady } from 'fxbench';

export default defineScenario({
  name: 'steady',
  description: 'Two instances warmed, then an open model at 20/s and a closed model with 2 users, against local-hello',
  targets: ['local-hello'],
  phases: [
    burst({ name: 'warm-up', concurrency: 2 }),
    steady({ name: 'open-20rps', rate: 20, duration: '5s' }),
    steady({ name: 'closed-2users', users: 2, duration: '3s' }),
  ],
  payload: { name: 'fxbench' },
  thresholds: {
    // A crossed threshold makes `fxbench run` exit 1. Add your own, e.g.
    // 'latency.p99{phase:open-20rps}': '< 300ms', 'cold.rate{phase:open-20rps}': '< 0.1'.
    'errors.rate': '< 0.01',
  },
});
