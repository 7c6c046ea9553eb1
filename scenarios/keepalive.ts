// Keep-alive: how long does an idle instance stay warm? Before each probe the
// function is warmed, left idle for the gap, then probed once; the cold-start
// rate per gap is the survival curve. Scaled down for the local runtime: the
// function's idle timeout is 3 s (bench.config.ts), so the curve turns between
// 2 s and 4 s. Against Lambda use gaps such as ['1m', '5m', '10m', '15m', '30m'].
import { defineScenario, keepalive } from 'fxbench';

export default defineScenario({
  name: 'keepalive',
  description: 'Probability of a cold start after 0.5–6 s of idle (local idle timeout: 3 s)',
  targets: ['local-hello-short-idle'],
  phases: [keepalive({ idleGaps: ['500ms', '2s', '4s', '6s'], probesPerGap: 2 })],
  thresholds: {
    // The curve must turn where the idle timeout is: warm at 2 s, cold at 4 s.
    'cold.rate{phase:keepalive,round:2}': '== 0',
    'cold.rate{phase:keepalive,round:3}': '== 1',
  },
});
