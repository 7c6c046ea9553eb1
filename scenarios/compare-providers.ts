// Compare targets side by side: the same phases against several targets, one
// after another (they never share the machine's load). Here all are local: a
// Node function, the same function priced as arm64 Lambda, a Node function with
// a heavy init, and a Python custom runtime (a `bootstrap` speaking the Lambda
// Runtime API). Swap in lambda/openfaas/gcf targets from bench.config.ts to
// compare providers.
import { burst, defineScenario, warmup } from 'fxbench';

export default defineScenario({
  name: 'compare-providers',
  description: 'Burst and warmup against four targets: cold starts, latency and cost side by side',
  targets: ['local-hello', 'local-hello-arm64', 'local-heavy', 'local-python-hello'],
  phases: [burst({ concurrency: 10, rounds: 2, gap: '1s' }), warmup({ requests: 10, interval: '50ms' })],
  payload: { name: 'fxbench' },
});
