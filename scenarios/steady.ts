// Steady load, both arrival models, against the local runtime: 50 invocations
// per second for 5 s (open model: latency from each intended send time), then
// 4 virtual users for 5 s (closed model). About 11 s with the cold starts.
import { defineScenario, steady } from 'fxbench';

export default defineScenario({
  name: 'steady',
  description: 'Open model at 50/s, then a closed model with 4 users, against local-hello',
  targets: ['local-hello'],
  phases: [
    steady({ name: 'open-50rps', rate: 50, duration: '5s' }),
    steady({ name: 'closed-4users', users: 4, duration: '5s' }),
  ],
  payload: { name: 'fxbench' },
});
