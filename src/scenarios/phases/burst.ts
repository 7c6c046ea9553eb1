/**
 * Burst: N invocations fired at the same instant, R rounds, a gap apart. The
 * serverless question it answers: "how many cold starts does a burst of N cost,
 * and how slow are they?" Against a function scaled to zero, round 1 is N cold
 * starts; a round soon after finds N warm instances.
 *
 * With `coldFirst`, every round starts from cold: the driver forces it where it
 * can (capability `forceCold`), else the phase waits `idleWindow` before each
 * round for the platform to reap idle instances. Each round reports the
 * instances it saw for the first time (`newInstances`).
 */
import { check, checkObject, optional, required } from '../../config/check.ts';
import { nowNs, sleep } from '../../clock.ts';
import { FxError } from '../../model/errors.ts';
import { invokeWithReport, type PhaseModule } from './phase.ts';
import { arrivalSpread } from '../../model/arrival.ts';
import { sharePart } from './steady.ts';

/** Checked burst settings. */
export interface BurstSettings {
  name: string;
  concurrency: number;
  rounds: number;
  gapMs: number;
  /** Start every round from cold instances (absent: false). */
  coldFirst?: boolean;
  /** With coldFirst on a driver that cannot force cold: wait this long before each round, ms. */
  idleWindowMs?: number;
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
      coldFirst: optional(check.boolean()),
      idleWindow: optional(check.durationMs()),
    });
    if (!o || ctx.issues.length > before) return undefined;
    if (o.idleWindow !== undefined && o.coldFirst !== true) {
      ctx.issues.push({
        file: ctx.file,
        field: `${path}.idleWindow`,
        message: 'only used with coldFirst: true (the wait before each round on drivers that cannot force cold starts)',
      });
      return undefined;
    }
    return {
      name: o.name ?? 'burst',
      concurrency: o.concurrency,
      rounds: o.rounds ?? 1,
      gapMs: o.gap ?? 1000,
      ...(o.coldFirst === true ? { coldFirst: true } : {}),
      ...(o.idleWindow !== undefined ? { idleWindowMs: o.idleWindow } : {}),
    };
  },

  describe(s) {
    const cold = s.coldFirst
      ? `, cold before each round${s.idleWindowMs !== undefined ? ` (forced, else ${s.idleWindowMs} ms idle)` : ''}`
      : '';
    return `burst: ${s.concurrency} at once × ${s.rounds} round${s.rounds > 1 ? 's' : ''}, ${s.gapMs} ms apart${cold}`;
  },

  /**
   * Shares that start at one agreed instant (fleet generators, `--start-at`) split
   * each round's concurrency among them, so the burst leaves from every generator
   * at once and the parts add up to it (the merged round is the union, and the
   * platform's stamps say how simultaneous it was). Otherwise (shards run at
   * different times, or `--workers` on one machine), and for coldFirst bursts
   * (one generator forces the cold state; several forcing it at once would race),
   * the burst runs whole on the first share.
   */
  share(s, index, count, simultaneous) {
    if (!simultaneous || s.coldFirst) return index === 0 ? s : undefined;
    const concurrency = sharePart(s.concurrency, index, count);
    return concurrency ? { ...s, concurrency } : undefined;
  },

  requires(s) {
    if (!s.coldFirst || s.idleWindowMs !== undefined) return [];
    return [
      {
        capability: 'forceCold',
        field: 'coldFirst',
        message: `burst "${s.name}" starts every round cold (coldFirst): set idleWindow (e.g. '10m') to wait before each round for idle instances to be reaped, or remove coldFirst`,
      },
    ];
  },

  async run(s, ctx) {
    if (s.coldFirst && !ctx.capabilities.forceCold && s.idleWindowMs === undefined) {
      throw FxError.runFailed(
        `burst ${s.name}: coldFirst needs a driver that can force cold starts (capability forceCold) or an idleWindow to wait before each round (e.g. idleWindow: '10m')`,
      );
    }
    const seen = new Set<string>();
    for (let round = 1; round <= s.rounds; round++) {
      if (ctx.signal.aborted) return;
      if (s.coldFirst) {
        if (ctx.capabilities.forceCold) {
          ctx.progress(`round ${round}/${s.rounds}: forcing cold instances`);
          await ctx.forceCold();
        } else {
          ctx.progress(`round ${round}/${s.rounds}: waiting ${s.idleWindowMs} ms for idle instances to be reaped`);
          await sleep(s.idleWindowMs!, ctx.signal);
          if (ctx.signal.aborted) return;
        }
      }
      ctx.progress(`round ${round}/${s.rounds}: ${s.concurrency} at once`);
      // One intended instant for the whole round: latency counts from it, so a
      // client that is slow to send shows up in the figures instead of hiding.
      const intendedNs = nowNs();
      const inFlight = [];
      for (let seq = 0; seq < s.concurrency; seq++) inFlight.push(invokeWithReport(ctx, round, seq, intendedNs));
      const reports = await Promise.all(inFlight);
      let newInstances = 0;
      let identified = false;
      for (const r of reports) {
        if (!r?.instanceId) continue;
        identified = true;
        if (!seen.has(r.instanceId)) {
          seen.add(r.instanceId);
          newInstances++;
        }
      }
      const arrival = arrivalSpread(reports.filter((r) => r !== undefined));
      ctx.annotate?.(round, {
        ...(identified ? { newInstances } : {}),
        ...(arrival ? { arrival } : {}),
        ...(s.coldFirst ? { forcedCold: ctx.capabilities.forceCold } : {}),
      });
      if (round < s.rounds) await sleep(s.gapMs, ctx.signal);
    }
  },
};
