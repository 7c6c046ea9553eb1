// The pull-request scenario of the gate benchmark (bench/gate.ts): one block is
// 2 bursts from cold (2 at once, each forced cold: 4 cold starts) and 2 at once ×
// 8 warm rounds; 10 blocks in ABBA order (5 pairs, the default). bench/gate.ts sets the candidate's knobs.
import { burst, defineScenario } from 'fxbench';

export default defineScenario({
  name: 'gate-ab',
  targets: ['local-delay', 'local-delay-b'],
  ab: { baseline: 'local-delay', candidate: 'local-delay-b', blocks: 10 },
  phases: [
    burst({ name: 'cold', concurrency: 2, rounds: 2, coldFirst: true }),
    burst({ name: 'warm', concurrency: 2, rounds: 8, gap: 0 }),
  ],
});
