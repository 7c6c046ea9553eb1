// Burst: how many cold starts does a burst cost, and how slow are they? 10
// invocations at once, twice, a second apart, against a function scaled to zero:
// round 1 starts 10 instances (10 cold starts), round 2 reuses them.
//
//   npx fxbench run scenarios/burst.ts
import { burst, defineScenario } from 'fxbench';

export default defineScenario({
  name: 'burst',
  description: 'Cold starts of a burst of 10 concurrent invocations, then a warm round',
  targets: ['local-hello'],
  phases: [burst({ concurrency: 10, rounds: 2, gap: '1s' })],
  payload: { name: 'fxbench' },
});
