// A nightly CI gate: a cold burst, a warm burst and a warmup series, held to
// thresholds. Any threshold crossed makes `fxbench run` print the table of what
// crossed and by how much, and exit 1; results.json records every outcome.
// `abortOnFail` stops the run at once when errors pile up.
//
//   npx fxbench run scenarios/nightly.ts --quiet || exit 1
import { burst, defineScenario, warmup } from 'fxbench';

export default defineScenario({
  name: 'nightly',
  description: 'CI gate: cold starts, warm latency, errors and cost per million against fixed limits',
  targets: ['local-hello'],
  phases: [
    burst({ name: 'cold', concurrency: 10, coldFirst: true }),
    burst({ name: 'warm', concurrency: 10, rounds: 3, gap: '200ms' }),
    warmup({ requests: 20, interval: '50ms' }),
  ],
  thresholds: {
    'errors.rate': { threshold: '< 0.01', abortOnFail: true },
    'cold.count{phase:cold}': '== 10', // a burst of 10 from cold starts 10 instances
    'cold.count{phase:warm}': '== 0', // and the warm rounds reuse them
    'latency.p99{phase:warm}': '< 250ms',
    'init.p50{phase:warmup}': '< 400ms', // one cold start alone (a burst's inits share the CPU)
    'cost.perMillion': '< 4.50',
  },
});
