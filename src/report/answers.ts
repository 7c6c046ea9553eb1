/**
 * Each phase kind's question answered in words, per target, for the headline:
 * the memory sweep's optimum, warmup's settle point, burst's cold starts per
 * round, the payload sweep's latency by size and failed sizes, keep-alive's
 * turning gap, the ramp's knee. Each answer is built from
 * the same figures as the chart that shows it.
 */
import type { Result } from '../model/result.ts';
import { burstAnswer, burstRounds } from './charts/burst.ts';
import { keepaliveAnswer, keepalivePoints } from './charts/keepalive.ts';
import { warmupAnswer, warmupSettles } from './charts/warmup.ts';
import { memoryAnswer, memoryOptima, memorySizes } from './charts/memory.ts';
import { payloadAnswers, payloadPoints } from './charts/payload.ts';

/** Answers per target name, in phase-kind order. */
export function kindAnswers(result: Result): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (target: string, text: string) => out.set(target, [...(out.get(target) ?? []), text]);
  const bursts = burstRounds(result);
  const keepalive = keepalivePoints(result);
  const settles = warmupSettles(result);
  const payload = payloadPoints(result);
  for (const t of result.targets) {
    const mine = bursts.filter((r) => r.target === t.name);
    if (mine.length) add(t.name, burstAnswer(mine));
    for (const w of settles.filter((x) => x.target === t.name)) add(t.name, warmupAnswer(w));
    for (const a of payloadAnswers(payload.filter((p) => p.target === t.name))) add(t.name, a);
    if (t.ramp)
      add(
        t.name,
        `ramp: ${t.ramp.kneeRps !== null ? `knee at ${t.ramp.kneeRps} req/s (the highest rate within the SLO)` : 'no step within the SLO'}${t.ramp.brokeAtRps !== null ? `, broke at ${t.ramp.brokeAtRps} req/s` : ', never broke'}${t.ramp.slo ? ` (SLO p99 ≤ ${t.ramp.slo.p99Ms} ms, errors ≤ ${+(t.ramp.slo.errorRate * 100).toFixed(2)}%)` : ''}`,
      );
    const probes = keepalive.filter((p) => p.target === t.name);
    if (probes.length) add(t.name, keepaliveAnswer(probes, t.idleTimeoutMs));
  }
  for (const o of memoryOptima(memorySizes(result))) add(o.target, memoryAnswer(o));
  return out;
}
