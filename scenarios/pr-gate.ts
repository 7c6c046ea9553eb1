// A/B gate for pull requests (.github/workflows/pr-gate.yml, docs/ci.md): the
// function as on the base branch (checked out beside this one, in ../base) is the
// baseline arm, this checkout's the candidate. Each block is a cold burst of 2
// (one round, forced cold) then 2 at once × 10 warm rounds; 12 blocks in ABBA
// order: 6 pairs for the paired test.
//
//   git worktree add ../base origin/main && npx fxbench run scenarios/pr-gate.ts
import { burst, defineScenario } from 'fxbench';

export default defineScenario({
  name: 'pr-gate',
  description: 'A/B: the pull request against its base branch, paired ABBA blocks',
  functions: {
    'hello-base': { kind: 'node', code: '../../base/functions/hello', memoryMB: 128, timeout: '3s' },
    'hello-pr': { kind: 'node', code: '../functions/hello', memoryMB: 128, timeout: '3s' },
  },
  targets: [
    { name: 'base', provider: 'local', function: 'hello-base' },
    { name: 'pr', provider: 'local', function: 'hello-pr' },
  ],
  ab: { baseline: 'base', candidate: 'pr', blocks: 12 },
  phases: [
    burst({ name: 'cold', concurrency: 2, coldFirst: true }),
    burst({ name: 'warm', concurrency: 2, rounds: 10, gap: 0 }),
  ],
});
