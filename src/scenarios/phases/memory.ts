/**
 * Memory sweep: runs one phase once per memory size and reports cost against
 * speed per size (what AWS Lambda Power Tuning does, with percentiles and cold
 * starts). Needs a driver with capability `setMemory`; changing memory replaces
 * the instances on Lambda and on the local runtime, so each size starts cold.
 * Each round of the inner phase at each size is one result (`memoryMB` on it),
 * numbered on from 1 across sizes; the size set before the phase is restored
 * after it (by the runner).
 *
 * On Lambda, CPU grows with memory, so latency falls as cost per GB-second
 * rises; the local runtime enforces memory as the heap limit only, so there
 * the sweep shows the cost side and where a function runs out of memory.
 */
import { check, checkObject, describeValue, isPlainObject, required, optional } from '../../config/check.ts';
import { FxError } from '../../model/errors.ts';
import type { PhaseContext, PhaseModule } from './phase.ts';

/** Checked memory-sweep settings. */
export interface MemorySettings {
  name: string;
  /** Memory sizes, MB, in the order given. */
  sizesMB: number[];
  /** The phase run at each size (checked by its own module). */
  phase: { kind: string; settings: Record<string, unknown> };
}

/**
 * The memory-sweep phase over `PHASES`, the phase kinds it may run at each size
 * (every kind but itself: index.ts passes them in, so this module does not import
 * the registry that lists it).
 */
export function memoryPhaseOver(PHASES: Readonly<Record<string, PhaseModule<object>>>): PhaseModule<MemorySettings> {
  return {
    kind: 'memory',

    check(raw, path, ctx) {
      const before = ctx.issues.length;
      const o = checkObject(raw, path, ctx, {
        kind: required(check.oneOf(['memory'])),
        name: optional(check.string()),
        sizes: required((v, p, c) => {
          const sizes = check.array(check.int(128, 10240), { min: 1 })(v, p, c);
          if (sizes.length > 50)
            c.issues.push({ file: c.file, field: p, message: `expected at most 50 sizes, got ${sizes.length}` });
          return sizes;
        }),
        phase: required(check.any()),
      });
      if (!o || ctx.issues.length > before) return undefined;
      const inner = o.phase;
      const p = `${path}.phase`;
      if (!isPlainObject(inner)) {
        ctx.issues.push({
          file: ctx.file,
          field: p,
          message: `expected a phase such as burst({ concurrency: 5 }), got ${describeValue(inner)}`,
        });
        return undefined;
      }
      const mod = PHASES[String(inner.kind)];
      if (!mod || mod.kind === 'memory') {
        const kinds = Object.keys(PHASES).filter((k) => k !== 'memory');
        ctx.issues.push({
          file: ctx.file,
          field: `${p}.kind`,
          message: `expected one of ${kinds.map((k) => JSON.stringify(k)).join(', ')} (a memory sweep cannot hold another), got ${describeValue(inner.kind)}`,
        });
        return undefined;
      }
      const settings = mod.check(inner, p, ctx);
      if (!settings || ctx.issues.length > before) return undefined;
      return {
        name: o.name ?? 'memory',
        sizesMB: o.sizes,
        phase: { kind: mod.kind, settings: settings as Record<string, unknown> },
      };
    },

    describe(s) {
      return `memory sweep: ${s.sizesMB.join(', ')} MB, each running ${PHASES[s.phase.kind]!.describe(s.phase.settings)}`;
    },

    requires(s) {
      const inner = PHASES[s.phase.kind]!.requires?.(s.phase.settings) ?? [];
      return [
        {
          capability: 'setMemory',
          field: 'sizes',
          message: `memory sweep "${s.name}" sets each size in turn: run the sweep on a target that can (local, lambda)`,
        },
        ...inner.map((r) => ({ ...r, field: `phase.${r.field}` })),
      ];
    },

    async run(s, ctx) {
      if (!ctx.capabilities.setMemory || !ctx.setMemory) {
        throw FxError.runFailed(
          `memory sweep ${s.name}: this target's driver cannot change the memory size (no capability setMemory); run the sweep on a target that can (local, lambda)`,
        );
      }
      const mod = PHASES[s.phase.kind]!;
      let nextRound = 1;
      for (const memoryMB of s.sizesMB) {
        if (ctx.signal.aborted) return;
        ctx.progress(`${memoryMB} MB: setting the memory size`);
        await ctx.setMemory(memoryMB);
        // The inner phase numbers its rounds from 1 at every size; results need one
        // sequence across sizes, each round tagged with its size.
        const rounds = new Map<number, number>();
        const outer = (round: number): number => {
          let r = rounds.get(round);
          if (r === undefined) {
            rounds.set(round, (r = nextRound++));
            ctx.annotate?.(r, { memoryMB });
          }
          return r;
        };
        const inner: PhaseContext = {
          ...ctx,
          invoke: (round, seq, intendedNs, opts) => ctx.invoke(outer(round), seq, intendedNs, opts),
          annotate: (round, meta) => ctx.annotate?.(outer(round), meta),
          progress: (message) => ctx.progress(`${memoryMB} MB: ${message}`),
          roundStats: ctx.roundStats ? (round) => ctx.roundStats!(outer(round)) : undefined,
          judgeStep: ctx.judgeStep ? (round, dropped) => ctx.judgeStep!(outer(round), dropped) : undefined,
          // The phase's agreed instant is the sweep's, long past at the second size: each size starts anew.
          startNs: undefined,
        };
        await mod.run(s.phase.settings, inner);
      }
    },
  };
}
