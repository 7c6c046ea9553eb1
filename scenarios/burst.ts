// Burst: how many cold starts does a burst cost, and how slow are they?
// 20 invocations at once, three times, two seconds apart, against a function
// scaled to zero: round 1 starts 20 instances (20 cold starts), rounds 2 and 3
// reuse them (0 cold starts).
import { burst, defineScenario } from 'fxbench';

export default defineScenario({
  name: 'burst',
  description: 'Cold starts of a burst of 20 concurrent invocations, then two warm rounds',
  targets: ['local-hello', 'local-heavy'],
  phases: [burst({ concurrency: 20, rounds: 3, gap: '2s' })],
  payload: { name: 'fxbench' },
});
