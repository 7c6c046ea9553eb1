/**
 * Runs a Plan: for each target, prepare its driver, run each phase's schedule,
 * fold every sample into a recorder per phase round, and build the Result.
 * Stops cleanly on abort: no new invocations, in-flight ones get a grace period,
 * and the partial result comes back with `interrupted: true`.
 */
import os from 'node:os';
import { setMaxListeners } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { nowNs } from '../clock.ts';
import { lambdaPriceModel, withPhaseCost } from '../cost/cost.ts';
import { createDriver } from '../drivers/registry.ts';
import type { Driver } from '../drivers/types.ts';
import { Recorder } from '../metrics/recorder.ts';
import type { Sample } from '../model/sample.ts';
import { SCHEMA_VERSION, type PhaseResult, type Result, type TargetResult } from '../model/result.ts';
import { VERSION } from '../version.ts';
import { PHASES } from './phases/index.ts';
import { abortingThreshold, evaluateThresholds } from '../metrics/thresholds.ts';
import { FxError } from '../model/errors.ts';
import type { Plan } from './plan.ts';
import { PhaseLive, roundStats, type TickEvent, type RoundMeta } from './engine/live.ts';
import type { PriceModel } from '../model/price.ts';
import { mergeRecorded, phaseFigures } from '../metrics/figures.ts';
import type { ResolvedTarget } from '../model/target.ts';

/** What a run reports while it goes. */
export type RunEvent =
  | { kind: 'target'; target: string }
  | { kind: 'phase'; target: string; phase: string; description: string }
  | { kind: 'progress'; target: string; phase: string; message: string }
  | { kind: 'target-error'; target: string; message: string }
  | TickEvent;

/** Options for runPlan. */
export interface RunOptions {
  /** Aborting stops the run: no new invocations; in-flight ones get `graceMs`. */
  signal?: AbortSignal;
  /** Grace for in-flight invocations after an abort, ms (default 5000). */
  graceMs?: number;
  onEvent?: (e: RunEvent) => void;
  /** Stream every sample as NDJSON to this file. */
  samplesFile?: string;
  /** Append to `samplesFile` instead of truncating it (workers share one file; each line is one write). */
  samplesAppend?: boolean;
  /** Makes drivers (tests inject instrumented ones). Default: the registry. */
  createDriver?: (t: ResolvedTarget) => Driver;
  /** Called once a target's driver is prepared (tests read PIDs from it). */
  onDriver?: (target: string, driver: Driver) => void;
  /** Run only this share of the load (workers, `--shard i/N`): index from 0 (see PhaseModule.share). */
  shard?: { index: number; count: number };
}

/** Runs every target of a plan. Resolves with the Result even when interrupted or a target failed. */
export async function runPlan(plan: Plan, opts: RunOptions = {}): Promise<Result> {
  const startedAt = new Date().toISOString();
  const originNs = nowNs(); // t = 0 of every timeline
  const signal = opts.signal ?? new AbortController().signal;
  const hard = new AbortController();
  // Every in-flight invocation listens on it: thousands of listeners are expected.
  setMaxListeners(0, hard.signal);
  const onAbort = () => setTimeout(() => hard.abort(), opts.graceMs ?? 5000).unref();
  signal.addEventListener('abort', onAbort, { once: true });
  const emit = opts.onEvent ?? (() => undefined);
  const samples: WriteStream | null = opts.samplesFile ? createWriteStream(opts.samplesFile, { flags: opts.samplesAppend ? 'a' : 'w' }) : null;
  const targets: TargetResult[] = [];
  const stop: { byThreshold?: string } = {};
  try {
    for (const target of plan.targets) {
      if (signal.aborted || stop.byThreshold) break;
      emit({ kind: 'target', target: target.name });
      targets.push(await runTarget(plan, target, { ...opts, signal, hardSignal: hard.signal, emit, samples, stop, originNs }));
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (samples) await new Promise<void>((resolve) => samples.end(() => resolve()));
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'fxbench', version: VERSION, node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length },
    scenario: { name: plan.name, file: plan.file, description: plan.description },
    startedAt,
    finishedAt: new Date().toISOString(),
    interrupted: signal.aborted,
    targets,
    thresholds: plan.thresholds?.length ? evaluateThresholds(plan.thresholds, targets) : [],
    ...(stop.byThreshold ? { abortedByThreshold: stop.byThreshold } : {}),
  };
}

interface TargetRunContext extends RunOptions {
  signal: AbortSignal;
  hardSignal: AbortSignal;
  emit: (e: RunEvent) => void;
  samples: WriteStream | null;
  /** Set when an `abortOnFail` threshold crossed: no further phase or target runs. */
  stop: { byThreshold?: string };
  originNs: number;
}

async function runTarget(plan: Plan, target: ResolvedTarget, c: TargetRunContext): Promise<TargetResult> {
  const driver = (c.createDriver ?? createDriver)(target);
  const info = driver.info();
  const result: TargetResult = { ...info, phases: [], summary: null };
  let price: PriceModel = lambdaPriceModel(target.arch);
  const allRecorded = [];
  let invocationIndex = 0; // per target: the payload generator's `i`
  try {
    await driver.prepare(c.signal);
    if (driver.priceModel) price = driver.priceModel();
    Object.assign(result, driver.info()); // prepare may have learned memory size and region
    c.onDriver?.(target.name, driver);
    for (const phase of plan.phases) {
      if (c.signal.aborted || c.stop.byThreshold) break;
      const mod = PHASES[phase.kind]!;
      const settings = c.shard ? (mod.share ? mod.share(phase.settings, c.shard.index, c.shard.count) : c.shard.index === 0 ? phase.settings : undefined) : phase.settings;
      if (!settings) continue;
      c.emit({ kind: 'phase', target: target.name, phase: phase.name, description: mod.describe(settings) });
      const rounds = new Map<number, Recorder>();
      const configuredMB = driver.info().memoryMB;
      let memoryMB = configuredMB ?? 128;
      const meta = new Map<number, RoundMeta>();
      const live = new PhaseLive(target.name, phase.name, mod.plannedMs?.(settings) ?? null, rounds, meta, c.emit);
      await live.during(mod.run(settings, {
        roundStats: (round) => roundStats(rounds.get(round)),
        signal: c.signal,
        capabilities: driver.capabilities,
        progress: (message) => c.emit({ kind: 'progress', target: target.name, phase: phase.name, message }),
        forceCold: async () => {
          if (driver.capabilities.forceCold) await driver.forceCold?.(c.signal);
        },
        annotate: (round, m) => meta.set(round, { ...meta.get(round), ...m }),
        setMemory: async (mb) => {
          if (!driver.capabilities.setMemory || !driver.setMemory) throw FxError.runFailed(`target ${target.name}: phase ${phase.name} changes the memory size, but the ${target.provider} driver cannot (no capability setMemory)`);
          await driver.setMemory(mb, c.signal);
          memoryMB = mb;
        },
        invoke: async (round, seq, intendedNs, io) => {
          if (c.signal.aborted) return;
          const payload = io?.payload ?? (plan.payloadFor ? plan.payloadFor(invocationIndex++) : plan.payload);
          const startNs = nowNs();
          const out = await driver.invoke({ seq, payload }, c.hardSignal);
          const latencyUs = (nowNs() - intendedNs) / 1000;
          const sample: Sample = {
            target: target.name, phase: phase.name, round, seq, intendedNs, startNs, latencyUs,
            status: out.status, errorClass: out.errorClass, bytesOut: out.bytesOut, bytesIn: out.bytesIn,
            cold: out.cold, coldMethod: out.coldMethod, initMs: out.initMs, durationMs: out.durationMs,
            billedMs: out.billedMs, maxMemoryMB: out.maxMemoryMB, instanceId: out.instanceId, requestId: out.requestId,
          };
          // Throttled and rejected invocations are not billed by any provider.
          if (out.status >= 200 && out.status < 300) sample.costUSD = price.price({ billedMs: out.billedMs, durationMs: out.durationMs, latencyMs: latencyUs / 1000, initMs: out.initMs, memoryMB });
          io?.onReport?.({ latencyUs, status: out.status, errorClass: out.errorClass, cold: out.cold, instanceId: out.instanceId });
          if (io?.record === false) return;
          let rec = rounds.get(round);
          if (!rec) rounds.set(round, (rec = new Recorder({ originNs: c.originNs })));
          rec.add(sample);
          c.samples?.write(JSON.stringify(sample) + '\n');
        },
      }));
      // A phase's memory change (memory sweep) lasts for that phase only.
      if (configuredMB !== null && memoryMB !== configuredMB && driver.setMemory && !c.signal.aborted) await driver.setMemory(configuredMB, c.signal);
      const multi = rounds.size > 1;
      for (const [round, rec] of [...rounds.entries()].sort((a, b) => a[0] - b[0])) {
        const figures = withPhaseCost(phaseFigures(rec.recorded, price.source), price);
        const pr: PhaseResult = { name: phase.name, kind: phase.kind, ...(multi || round > 1 ? { round } : {}), ...meta.get(round), ...figures, timeline: rec.timelinePoints() };
        result.phases.push(pr);
        allRecorded.push(rec.recorded);
      }
      if (mod.summarize) Object.assign(result, mod.summarize(settings, result.phases.slice(-rounds.size)));
      const crossed = plan.thresholds?.length ? abortingThreshold(plan.thresholds, result) : undefined;
      if (crossed) {
        c.stop.byThreshold = crossed;
        c.emit({ kind: 'progress', target: target.name, phase: phase.name, message: `threshold crossed, stopping the run (abortOnFail): ${crossed}` });
      }
    }
    result.coldStartMethod = driver.info().coldStartMethod; // drivers may learn it from responses (instance ids)
  } catch (err) {
    result.error = (err as Error).message;
    c.emit({ kind: 'target-error', target: target.name, message: result.error });
  } finally {
    Object.assign(result, driver.info()); // what the run taught the driver (e.g. which cold-start method applied)
    await driver.close().catch(() => undefined);
  }
  if (allRecorded.length) {
    const merged = mergeRecorded(allRecorded);
    result.summary = withPhaseCost(phaseFigures(merged, price.source), price);
  }
  return result;
}
