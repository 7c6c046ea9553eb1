// Functions for the gate benchmark (bench/gate.ts): functions/delay three times,
// the same code under three names, so the A/B arms never share an instance and
// the history series (run side by side with the A/B series, in one process and on
// one local runtime) never shares one with either: with one name, the A/B run's
// forced cold starts stopped the history series' instances and both series
// measured each other. bench/gate.ts
// sets each case's knobs through the function's env: DELAY_MS 20 (unchanged) or
// 26 (30% slower warm path), INIT_DELAY_MS 100 (+100 ms init).
import { defineConfig } from 'fxbench';

const fn = { kind: 'node', code: '../functions/delay', memoryMB: 128, timeout: '5s', env: { DELAY_MS: '20' } } as const;
export default defineConfig({
  functions: { 'delay-a': fn, 'delay-b': fn, 'delay-h': fn },
  targets: {
    'local-delay': { provider: 'local', function: 'delay-a' },
    'local-delay-b': { provider: 'local', function: 'delay-b' },
    'local-delay-h': { provider: 'local', function: 'delay-h' },
  },
});
