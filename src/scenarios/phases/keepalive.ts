/**
 * Keep-alive probe: how long does an idle instance survive? For each idle gap,
 * `probesPerGap` times: make sure an instance is warm (one invocation that is
 * not recorded), leave the function idle for the gap, send one probe. The
 * probes of a gap form one round (`idleGapMs` on its result); the round's
 * cold-start rate is the probability of a cold start after that much idle time:
 * the keep-alive survival curve. Providers change their idle windows without
 * notice (Lambda's went from ~5 min to 25–60 min to ~10 min), so fxbench
 * measures it instead of assuming.
 */
import { check, checkObject, describeValue, optional, required } from '../../config/check.ts';
import { nowNs, sleep } from '../../clock.ts';
import { parseDurationMs } from '../../units.ts';
import { invokeWithReport, type PhaseModule } from './phase.ts';

/** Checked keep-alive settings. */
export interface KeepaliveSettings {
  name: string;
  /** Idle gaps to probe, ms, in the order given. */
  idleGapsMs: number[];
  /** Probes per gap (each preceded by its own warming invocation). */
  probesPerGap: number;
}

/** A gap as written ("30s") for progress lines. */
function showGap(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export const keepalivePhase: PhaseModule<KeepaliveSettings> = {
  kind: 'keepalive',

  check(raw, path, ctx) {
    const before = ctx.issues.length;
    const o = checkObject(raw, path, ctx, {
      kind: required(check.oneOf(['keepalive'])),
      name: optional(check.string()),
      idleGaps: required((v, p, c) => {
        if (!Array.isArray(v) || v.length < 1 || v.length > 100) {
          c.issues.push({
            file: c.file,
            field: p,
            message: `expected 1 to 100 idle gaps such as ['1s', '30s', '5m'], got ${Array.isArray(v) ? `${v.length} items` : describeValue(v)}`,
          });
          return [];
        }
        return v.map((g, i) => {
          const ms = parseDurationMs(g);
          if (ms === undefined || ms <= 0 || ms > 24 * 3_600_000)
            c.issues.push({
              file: c.file,
              field: `${p}[${i}]`,
              message: `expected a duration above 0 and at most 24h such as "30s" or "10m", got ${describeValue(g)}`,
            });
          return ms ?? 0;
        });
      }),
      probesPerGap: optional(check.int(1, 1_000)),
    });
    if (!o || ctx.issues.length > before) return undefined;
    return { name: o.name ?? 'keepalive', idleGapsMs: o.idleGaps, probesPerGap: o.probesPerGap ?? 1 };
  },

  describe(s) {
    return `keepalive: ${s.probesPerGap} probe${s.probesPerGap > 1 ? 's' : ''} after each idle gap of ${s.idleGapsMs.map(showGap).join(', ')}`;
  },

  async run(s, ctx) {
    if (ctx.capabilities.scaleToZero === false)
      ctx.progress(
        'note: this platform does not stop idle instances by itself (capability scaleToZero is false); expect every probe to be warm',
      );
    for (const [i, gapMs] of s.idleGapsMs.entries()) {
      const round = i + 1;
      ctx.annotate?.(round, { idleGapMs: gapMs });
      let cold = 0;
      let known = 0;
      for (let seq = 0; seq < s.probesPerGap; seq++) {
        if (ctx.signal.aborted) return;
        ctx.progress(`idle ${showGap(gapMs)}: probe ${seq + 1}/${s.probesPerGap}`);
        // Warm first (not recorded): the probe must measure the idle gap alone,
        // whatever the previous probe or phase left behind.
        const warm = await invokeWithReport(ctx, round, seq, nowNs(), { record: false });
        if (!warm) return;
        if (warm.errorClass)
          ctx.progress(`idle ${showGap(gapMs)}: the warming invocation failed (${warm.errorClass}); probing anyway`);
        await sleep(gapMs, ctx.signal);
        if (ctx.signal.aborted) return;
        const probe = await invokeWithReport(ctx, round, seq, nowNs());
        if (!probe) return;
        if (probe.cold !== null) {
          known++;
          if (probe.cold) cold++;
        }
      }
      ctx.progress(
        `idle ${showGap(gapMs)}: ${known ? `${cold}/${known} cold` : 'cold starts unknown (the driver cannot tell)'}`,
      );
    }
  },
};
