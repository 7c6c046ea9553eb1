// Warmup: what does the cold → warm transition look like, and how many
// invocations until latency settles? Each target is forced cold, then sent 20
// invocations one after another, 100 ms apart. heavy-init spends ~300 ms in
// module-load work, so its first invocation stands out; hello's barely does.
import { defineScenario, warmup } from 'fxbench';

export default defineScenario({
  name: 'warmup',
  description: 'Cold start, then 20 sequential invocations: how many until latency settles',
  targets: ['local-hello', 'local-heavy'],
  phases: [warmup({ requests: 20, interval: '100ms' })],
  payload: { name: 'fxbench' },
});
