// The nightly scenario of the gate benchmark (bench/gate.ts): 3 bursts from cold
// (2 at once, each forced cold: 6 cold starts) then steady load at
// 20/s for 2 s (40 warm calls). Each run is judged against the history of the
// runs before it.
import { burst, defineScenario, steady } from 'fxbench';

export default defineScenario({
  name: 'gate-history',
  targets: ['local-delay-h'],
  phases: [
    burst({ name: 'cold', concurrency: 2, rounds: 3, coldFirst: true }),
    steady({ name: 'steady', rate: 20, duration: '2s' }),
  ],
});
