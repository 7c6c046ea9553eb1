/**
 * Burst: N invocations fired at the same instant, R rounds, a gap apart. The
 * serverless question it answers: "how many cold starts does a burst of N cost,
 * and how slow are they?" Against a function scaled to zero, round 1 is N cold
 * starts; a round soon after finds N warm instances.
 */
import { check, checkObject, optional, required } from '../../config/check.ts';
import { nowNs, sleep } from '../../clock.ts';
import type { PhaseModule } from './phase.ts';

/** Checked burst settings. */
export interface BurstSettings {
  name: string;
  concurrency: number;
  rounds: number;
  gapMs: number;
}

export const burstPhase: PhaseModule<BurstSettings> = {
  kind: 'burst',

  check(raw, path, ctx) {
    const before = ctx.issues.length;
    const o = checkObject(raw, path, ctx, {
      kind: required(check.oneOf(['burst'])),
      name: optional(check.string()),
      concurrency: required(check.int(1, 10_000)),
      rounds: optional(check.int(1, 1_000)),
      gap: optional(check.durationMs()),
    });
    if (!o || ctx.issues.length > before) return undefined;
    return { name: (o.name as string) ?? 'burst', concurrency: o.concurrency as number, rounds: (o.rounds as number) ?? 1, gapMs: (o.gap as number) ?? 1000 };
  },

  describe(s) {
    return `burst: ${s.concurrency} at once × ${s.rounds} round${s.rounds > 1 ? 's' : ''}, ${s.gapMs} ms apart`;
  },

  bounds(s, timeoutMs) {
    return { maxRequests: s.concurrency * s.rounds, maxDurationMs: s.rounds * timeoutMs + (s.rounds - 1) * s.gapMs };
  },

  async run(s, ctx) {
    for (let round = 1; round <= s.rounds; round++) {
      if (ctx.signal.aborted) return;
      ctx.progress(`round ${round}/${s.rounds}: ${s.concurrency} at once`);
      // One intended instant for the whole round: latency counts from it, so a
      // client that is slow to send shows up in the figures instead of hiding.
      const intendedNs = nowNs();
      const inFlight: Promise<void>[] = [];
      for (let seq = 0; seq < s.concurrency; seq++) inFlight.push(ctx.invoke(round, seq, intendedNs));
      await Promise.all(inFlight);
      if (round < s.rounds) await sleep(s.gapMs, ctx.signal);
    }
  },
};
