/**
 * Runs a Plan: for each target, prepare its driver, run each phase's schedule,
 * fold every sample into a recorder per phase round, and build the Result.
 * Stops cleanly on abort: no new invocations, in-flight ones get a grace period,
 * and the partial result comes back with `interrupted: true`.
 */
import os from 'node:os';
import { setMaxListeners } from 'node:events';
import { closeSync, createWriteStream, fstatSync, ftruncateSync, openSync, readSync, type WriteStream } from 'node:fs';
import { nowNs } from '../clock.ts';
import { billed, lambdaPriceModel, withPhaseCost } from '../cost/cost.ts';
import { createDriver } from '../drivers/registry.ts';
import type { Driver } from '../drivers/types.ts';
import { Recorder } from '../metrics/recorder.ts';
import type { Sample } from '../model/sample.ts';
import { SCHEMA_VERSION, type PhaseResult, type Result, type TargetResult } from '../model/result.ts';
import { VERSION } from '../version.ts';
import { PHASES } from './phases/index.ts';
import { unmetNeeds } from './capabilities.ts';
import { abortingThreshold, evaluateThresholds } from '../metrics/thresholds.ts';
import { FxError, osReason } from '../model/errors.ts';
import type { AbPlan, PhasePlan, Plan } from './plan.ts';
import type { PhaseContext } from './phases/phase.ts';
import type { Outcome } from '../model/invocation.ts';
import {
  PhaseLive,
  roundStats,
  stepFigures,
  type TickEvent,
  type RoundMeta,
  type StepFigures,
  type StepTotals,
} from './engine/live.ts';
import type { PriceModel } from '../model/price.ts';
import { mergeRecorded, observedMethod, phaseFigures } from '../metrics/figures.ts';
import type { ResolvedTarget } from '../model/target.ts';
import { runAB } from './ab.ts';
import { collectGarbage } from './engine/heap.ts';
import { PAST_STEPS, PAST_TARGET } from './positions.ts';

/** What a run reports while it goes. */
export type RunEvent =
  | { kind: 'target'; target: string }
  | { kind: 'phase'; target: string; phase: string; description: string }
  | { kind: 'progress'; target: string; phase: string; message: string }
  | { kind: 'target-error'; target: string; message: string }
  /** A file the run writes as it goes (`samplesFile`) failed: the run goes on without it. */
  | { kind: 'write-error'; file: string; message: string }
  | TickEvent;

/**
 * Workers of one run (`--workers`) start each phase, and each ramp step, at one
 * instant (workers/together.ts). Positions: [run, target, phase(, step)].
 */
export interface StartTogether {
  /** A runPlan call begins (an A/B run makes one per block): its number, from 0. */
  run(): number;
  /**
   * Waits until every worker is at `position` or past it, then for the agreed
   * instant, and resolves with that instant on the monotonic clock (nowNs): it
   * may be past already where this worker woke late. Undefined when `signal` aborts.
   */
  at(position: number[], signal: AbortSignal): Promise<number | undefined>;
  /** This worker is past `position` without waiting (its target ended). */
  past(position: number[]): void;
  /**
   * Sends this worker's share of round `round` of the phase at `phase` (a ramp
   * step) and resolves with the step's totals across every worker, once all sent
   * theirs; undefined when `signal` aborts first.
   */
  judge(phase: number[], round: number, figures: StepFigures, signal: AbortSignal): Promise<StepTotals | undefined>;
  /**
   * Sends this worker's result of its target at the end of the phase at `phase`
   * and resolves with the target's result merged across every worker, once all
   * sent theirs (thresholds that stop the run are checked on it); undefined
   * when `signal` aborts first.
   */
  mergeTarget(phase: number[], target: TargetResult, signal: AbortSignal): Promise<TargetResult | undefined>;
}

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
  /**
   * Run only this share of the load (workers, `--shard i/N`): index from 0 (see
   * PhaseModule.share). `simultaneous`: every share started at one agreed instant
   * (fleet generators, `run --start-at`): a burst is split among them.
   */
  shard?: { index: number; count: number; simultaneous?: boolean };
  /** Start each phase and ramp step together with the other workers of the run (`--workers`). */
  together?: StartTogether;
  /**
   * Called once at the start with a function that builds, synchronously, the
   * Result of what was recorded so far (finished targets and phases, and the
   * rounds of the phase under way; invocations in flight are left out), marked
   * interrupted. A second Ctrl-C writes it before exiting.
   */
  onSnapshot?: (snapshot: () => Result) => void;
}

/** Runs every target of a plan. Resolves with the Result even when interrupted or a target failed. */
export async function runPlan(plan: Plan, opts: RunOptions = {}): Promise<Result> {
  // A/B: the phases run as ABBA blocks, each a run of its own (ab.ts).
  if (plan.ab) return runAB(plan as Plan & { ab: AbPlan }, opts.signal, (p) => runPlan(p, opts));
  const runNo = opts.together?.run() ?? 0;
  const startedAt = new Date().toISOString();
  const loadStart = os.loadavg()[0]!;
  const originNs = nowNs(); // t = 0 of every timeline
  const signal = opts.signal ?? new AbortController().signal;
  const hard = new AbortController();
  // Every in-flight invocation listens on it: thousands of listeners are expected.
  setMaxListeners(0, hard.signal);
  const onAbort = () => setTimeout(() => hard.abort(), opts.graceMs ?? 5000).unref();
  signal.addEventListener('abort', onAbort, { once: true });
  const emit = opts.onEvent ?? (() => undefined);
  const samples = opts.samplesFile ? openSamples(opts.samplesFile, opts.samplesAppend ?? false, emit) : null;
  const targets: TargetResult[] = [];
  const stop: { byThreshold?: string } = {};
  const live: LiveState = {};
  const result = (all: TargetResult[], interrupted: boolean): Result => ({
    schemaVersion: SCHEMA_VERSION,
    tool: {
      name: 'fxbench',
      version: VERSION,
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      // Windows has no load average (0, 0, 0): leave it out rather than claim an idle machine.
      ...(os.platform() === 'win32' ? {} : { load: { start: round2(loadStart), end: round2(os.loadavg()[0]!) } }),
    },
    scenario: { name: plan.name, file: plan.file, description: plan.description },
    startedAt,
    finishedAt: new Date().toISOString(),
    interrupted,
    targets: all,
    thresholds: plan.thresholds?.length ? evaluateThresholds(plan.thresholds, all) : [],
    ...(stop.byThreshold ? { abortedByThreshold: stop.byThreshold } : {}),
  });
  opts.onSnapshot?.(() => result(live.target ? [...targets, partialTarget(live.target, live.phase)] : targets, true));
  try {
    for (const [targetIndex, target] of plan.targets.entries()) {
      if (signal.aborted || stop.byThreshold) break;
      emit({ kind: 'target', target: target.name });
      targets.push(
        await runTarget(plan, target, {
          ...opts,
          position: [runNo, targetIndex],
          signal,
          hardSignal: hard.signal,
          emit,
          samples,
          stop,
          originNs,
          live,
        }),
      );
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (samples) await samples.close();
  }
  return result(targets, signal.aborted);
}

/** The target and phase under way, for snapshots. */
interface LiveState {
  target?: TargetState;
  phase?: LivePhase;
}

/** A phase under way: what its rounds have recorded so far. */
interface LivePhase {
  phase: PhasePlan;
  recorders: RoundRecorders;
  meta: Map<number, RoundMeta>;
  /** Per round: what its invocations were priced on (`memory 256 MB (provider REPORT)`), counted. */
  basis?: Map<number, Map<string, number>>;
}

/** A target's result as it stands: its finished phases, the rounds of the phase under way, a summary over both. */
function partialTarget(t: TargetState, phase: LivePhase | undefined): TargetResult {
  const rounds = phase ? roundResults(t, phase) : [];
  const recorded = [...t.allRecorded, ...rounds.map((r) => r.recorded)];
  return {
    ...t.result,
    phases: [...t.result.phases, ...rounds.map((r) => r.result)],
    summary: recorded.length
      ? withPhaseCost(phaseFigures(mergeRecorded(recorded), t.price.source, coldMissing(t.driver), t.shard), t.price)
      : null,
  };
}

/** The results of a phase's rounds, in round order, from their recorders. */
function roundResults(t: TargetState, p: LivePhase): { result: PhaseResult; recorded: Recorder['recorded'] }[] {
  const multi = p.recorders.rounds.size > 1;
  return [...p.recorders.rounds.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([round, rec]) => {
      const figures = withBasis(
        withPhaseCost(phaseFigures(rec.recorded, t.price.source, coldMissing(t.driver), t.shard), t.price),
        p.basis?.get(round),
      );
      const result: PhaseResult = {
        name: p.phase.name,
        kind: p.phase.kind,
        ...(multi || round > 1 ? { round } : {}),
        ...p.meta.get(round),
        ...figures,
        timeline: rec.timelinePoints(),
      };
      return { result, recorded: rec.recorded };
    });
}

interface TargetRunContext extends RunOptions {
  /** [run, target]: where this target's phases are (StartTogether). */
  position: number[];
  signal: AbortSignal;
  hardSignal: AbortSignal;
  emit: (e: RunEvent) => void;
  samples: SamplesFile | null;
  /** Set when an `abortOnFail` threshold crossed: no further phase or target runs. */
  stop: { byThreshold?: string };
  originNs: number;
  live: LiveState;
}

/**
 * Something that folds the stream of samples (after vegeta's `Report`): the
 * recorders of a phase's rounds, the NDJSON samples file. Every sink sees every
 * recorded sample, in order.
 */
export interface SampleSink {
  add(sample: Sample): void;
}

/** Folds samples into one Recorder per round of a phase (live progress reads them too). */
class RoundRecorders implements SampleSink {
  readonly rounds = new Map<number, Recorder>();
  constructor(private readonly originNs: number) {}
  add(sample: Sample): void {
    let rec = this.rounds.get(sample.round);
    if (!rec) this.rounds.set(sample.round, (rec = new Recorder({ originNs: this.originNs })));
    rec.add(sample);
  }
}

/**
 * The NDJSON samples file. A write error (a missing folder, a full disk) is
 * reported once as a `write-error` event and stops the writing; the run goes
 * on, since its results do not depend on the file.
 */
interface SamplesFile {
  /** False once writing failed. */
  ok: boolean;
  stream: WriteStream;
  /** Flushes and closes; resolves once done (or failed). */
  close(): Promise<void>;
}

function openSamples(file: string, append: boolean, emit: (e: RunEvent) => void): SamplesFile {
  const stream = createWriteStream(file, { flags: append ? 'a' : 'w' });
  let failed = false;
  const closed = new Promise<void>((resolve) =>
    stream.once('close', () => {
      // This process alone wrote the file: cut a line a failure left half-written.
      if (failed && !append) trimToLastLine(file);
      resolve();
    }),
  );
  const s: SamplesFile = {
    ok: true,
    stream,
    close: () => {
      if (!stream.destroyed) stream.end();
      return closed;
    },
  };
  stream.on('error', (err) => {
    if (failed) return;
    failed = true;
    s.ok = false;
    emit({ kind: 'write-error', file, message: osReason(err) });
    stream.destroy();
  });
  return s;
}

/** Truncates a regular file after its last newline, so every line left is whole. Best effort. */
export function trimToLastLine(file: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r+');
    const size = fstatSync(fd).size;
    if (!fstatSync(fd).isFile() || size === 0) return;
    const tail = Buffer.alloc(Math.min(size, 1 << 20));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const nl = tail.lastIndexOf(10);
    ftruncateSync(fd, nl < 0 ? size - tail.length : size - tail.length + nl + 1);
  } catch {
    /* not a regular file, or gone */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Streams samples to an NDJSON file, one line (one write) per sample. */
class NdjsonSink implements SampleSink {
  constructor(private readonly out: SamplesFile) {}
  add(sample: Sample): void {
    if (this.out.ok) this.out.stream.write(`${JSON.stringify(sample)}\n`);
  }
}

/** Adds what a phase's invocations were priced on (cost.basis), when it was costed. */
function withBasis<F extends { cost: PhaseResult['cost'] }>(f: F, basis: Map<string, number> | undefined): F {
  if (f.cost && basis?.size) f.cost.basis = [...basis.keys()].sort();
  return f;
}

/** The driver's word for the cold-start signal it found missing, for `coldNa`. */
function coldMissing(driver: Driver): string | undefined {
  return driver.coldSignalMissing?.();
}

/** A target's state across its phases. */
interface TargetState {
  plan: Plan;
  target: ResolvedTarget;
  driver: Driver;
  result: TargetResult;
  price: PriceModel;
  /** Every round's recorded figures, for the target's summary. */
  allRecorded: Recorder['recorded'][];
  /** Per target: the payload generator's `i`. */
  invocationIndex: number;
  /** This run is one shard (`--shard`, a `--workers` process): figures list their instance ids. */
  shard: boolean;
}

async function runTarget(plan: Plan, target: ResolvedTarget, c: TargetRunContext): Promise<TargetResult> {
  const driver = (c.createDriver ?? createDriver)(target);
  const t: TargetState = {
    plan,
    target,
    driver,
    result: { ...driver.info(), phases: [], summary: null },
    price: lambdaPriceModel(target.arch),
    allRecorded: [],
    invocationIndex: 0,
    shard: c.shard !== undefined,
  };
  const { result } = t;
  c.live.target = t;
  c.live.phase = undefined;
  try {
    await driver.prepare(c.signal);
    // prepare() may have learned the driver can do less than its options promised (a Lambda
    // emulator without a control plane): no phase starts that would fail midway.
    const unmet = unmetNeeds(target, plan.phases, driver.capabilities);
    if (unmet.length)
      throw FxError.runFailed(unmet.map((u) => `phases[${u.index}].${u.field}: ${u.message}`).join('\n'));
    if (driver.priceModel) t.price = driver.priceModel();
    Object.assign(result, driver.info()); // prepare may have learned memory size and region
    const notes = driver.notes?.() ?? [];
    if (notes.length) result.notes = notes;
    for (const message of notes) c.emit({ kind: 'progress', target: target.name, phase: 'prepare', message });
    c.onDriver?.(target.name, driver);
    for (const [phaseIndex, phase] of plan.phases.entries()) {
      if (c.signal.aborted || c.stop.byThreshold) break;
      await runPhase(t, phase, phaseIndex, c);
    }
    result.coldStartMethod = driver.info().coldStartMethod; // drivers may learn it from responses (instance ids)
  } catch (err) {
    result.error = (err as Error).message;
    c.emit({ kind: 'target-error', target: target.name, message: result.error });
  } finally {
    c.together?.past([...c.position, PAST_TARGET]); // the other workers need not wait for this one here
    c.live.phase = undefined; // a phase that failed adds no rounds
    Object.assign(result, driver.info()); // what the run taught the driver (e.g. which cold-start method applied)
    await driver.close().catch(() => undefined);
  }
  if (t.allRecorded.length) {
    result.summary = withPhaseCost(
      phaseFigures(mergeRecorded(t.allRecorded), t.price.source, coldMissing(driver), t.shard),
      t.price,
    );
    const basis = new Set(result.phases.flatMap((p) => p.cost?.basis ?? []));
    if (result.summary.cost && basis.size) result.summary.cost.basis = [...basis].sort();
    // The method actually observed, not the one the driver hoped for ('none' when no cold state was seen).
    result.coldStartMethod = observedMethod(result.summary.coldMethods);
  }
  c.live.target = undefined;
  return result;
}

/** Runs one phase against a target (its share of it, under `--shard`) and adds its rounds to the result. */
async function runPhase(t: TargetState, phase: PhasePlan, phaseIndex: number, c: TargetRunContext): Promise<void> {
  const { target, driver, result } = t;
  const mod = PHASES[phase.kind]!;
  // Every worker starts the phase at one instant, also the ones without a share of it (they wait for it to end).
  const position = [...c.position, phaseIndex];
  // Before the schedule: a collection now spares the phase the pause of its first scavenge (heap.ts).
  collectGarbage();
  let startNs: number | undefined;
  if (c.together) {
    startNs = await c.together.at(position, c.signal);
    if (c.signal.aborted) return;
  }
  const settings = c.shard
    ? mod.share
      ? mod.share(phase.settings, c.shard.index, c.shard.count, c.shard.simultaneous)
      : c.shard.index === 0
        ? phase.settings
        : undefined
    : phase.settings;
  if (!settings) {
    // Without a share of the phase (a burst runs in worker 1): no step of it waits for this worker
    // (a memory sweep's ramp), but it is still in on whether the phase stops the run.
    c.together?.past([...position, PAST_STEPS]);
    return checkAborting(t, phase, position, c);
  }
  // A --workers run prints worker 1's lines as the run's: the whole phase, not its share (a ramp "5/s → 15/s" for 10 → 30).
  const description = mod.describe(c.together ? phase.settings : settings);
  c.emit({ kind: 'phase', target: target.name, phase: phase.name, description });
  const recorders = new RoundRecorders(c.originNs);
  const sinks: SampleSink[] = c.samples ? [recorders, new NdjsonSink(c.samples)] : [recorders];
  const configuredMB = driver.info().memoryMB;
  const memory: PhaseState['memory'] = {
    mb: configuredMB ?? 128,
    source: configuredMB === null ? 'assumed default' : 'configured',
  };
  const meta = new Map<number, RoundMeta>();
  const live = new PhaseLive(
    target.name,
    phase.name,
    mod.plannedMs?.(settings) ?? null,
    recorders.rounds,
    meta,
    c.emit,
  );
  const basis = new Map<number, Map<string, number>>();
  c.live.phase = { phase, recorders, meta, basis };
  await live.during(
    mod.run(settings, phaseContext(t, phase, c, { recorders, sinks, memory, meta, basis, position, startNs })),
  );
  // A phase's memory change (memory sweep) lasts for that phase only.
  if (configuredMB !== null && memory.mb !== configuredMB && driver.setMemory && !c.signal.aborted)
    await driver.setMemory(configuredMB, c.signal);
  for (const r of roundResults(t, { phase, recorders, meta, basis })) {
    result.phases.push(r.result);
    t.allRecorded.push(r.recorded);
  }
  c.live.phase = undefined;
  if (mod.summarize) Object.assign(result, mod.summarize(settings, result.phases.slice(-recorders.rounds.size)));
  await checkAborting(t, phase, position, c);
}

/**
 * After a phase: stops the run (c.stop) where a threshold with abortOnFail is
 * crossed. With --workers, on the target merged across every worker, also in a
 * worker without a share of the phase (a burst runs in worker 1): one worker's
 * share alone may cross where the whole did not, or not where it did, and that
 * worker stopped while the others went on.
 */
async function checkAborting(t: TargetState, phase: PhasePlan, position: number[], c: TargetRunContext): Promise<void> {
  const aborting = t.plan.thresholds?.filter((x) => x.abortOnFail) ?? [];
  if (!aborting.length) return;
  const judged = c.together ? await c.together.mergeTarget(position, t.result, c.signal) : t.result;
  const crossed = judged ? abortingThreshold(aborting, judged) : undefined;
  if (!crossed) return;
  c.stop.byThreshold = crossed;
  c.emit({
    kind: 'progress',
    target: t.target.name,
    phase: phase.name,
    message: `threshold crossed, stopping the run (abortOnFail): ${crossed}`,
  });
}

interface PhaseState {
  recorders: RoundRecorders;
  sinks: SampleSink[];
  /**
   * Memory size the phase's invocations are priced at when the provider does not
   * report one per invocation, MB (a memory sweep changes it), and its source.
   */
  memory: { mb: number; source: 'configured' | 'assumed default' };
  meta: Map<number, RoundMeta>;
  basis: Map<number, Map<string, number>>;
  /** The last forceCold, until the round's annotation: what the driver read back, what the next invocations showed. */
  force?: { configured: boolean; note?: string; observed?: boolean };
  /** [run, target, phase] (StartTogether). */
  position: number[];
  /** With --workers, the instant the workers agreed to start the phase at (nowNs). */
  startNs?: number;
}

/** What a phase module may do while it runs: invoke (each sample priced and folded into the sinks), force cold, set memory. */
function phaseContext(t: TargetState, phase: PhasePlan, c: TargetRunContext, ps: PhaseState): PhaseContext {
  const { plan, target, driver } = t;
  const together = c.together;
  return {
    roundStats: (round) => roundStats(ps.recorders.rounds.get(round)),
    ...(together
      ? {
          startTogether: (step: number) => together.at([...ps.position, step], c.signal),
          ...(ps.startNs !== undefined ? { startNs: ps.startNs } : {}),
          judgeStep: (round: number, dropped: number) =>
            together.judge(ps.position, round, stepFigures(ps.recorders.rounds.get(round), dropped), c.signal),
        }
      : {}),
    signal: c.signal,
    capabilities: driver.capabilities,
    progress: (message) => c.emit({ kind: 'progress', target: target.name, phase: phase.name, message }),
    forceCold: async () => {
      if (!driver.capabilities.forceCold || !driver.forceCold) return;
      const check = await driver.forceCold(c.signal);
      ps.force = { configured: check ? check.configured : true, note: check ? check.note : undefined };
    },
    annotate: (round, m) => {
      let meta: RoundMeta & Pick<PhaseResult, 'forcedColdNote'> = m;
      if (m.forcedCold && ps.force) {
        // Claimed only when verified: the configuration shows the change and a new instance answered.
        const f = ps.force;
        const note = !f.configured
          ? (f.note ?? 'the platform did not confirm the change')
          : f.observed === false
            ? 'the invocations after it ran on warm instances: nothing was recycled'
            : f.observed === undefined
              ? 'no cold-start signal in the invocations after it to confirm a new instance'
              : undefined;
        meta = { ...m, forcedCold: note === undefined, ...(note ? { forcedColdNote: note } : {}) };
        ps.force = undefined;
      }
      ps.meta.set(round, { ...ps.meta.get(round), ...meta });
    },
    setMemory: async (mb) => {
      if (!driver.capabilities.setMemory || !driver.setMemory)
        throw FxError.runFailed(
          `target ${target.name}: phase ${phase.name} changes the memory size, but the ${target.provider} driver cannot (no capability setMemory)`,
        );
      await driver.setMemory(mb, c.signal);
      ps.memory.mb = mb;
      ps.memory.source = 'configured';
    },
    invoke: async (round, seq, intendedNs, io) => {
      if (c.signal.aborted) return;
      const payload = io?.payload ?? (plan.payloadFor ? plan.payloadFor(t.invocationIndex++) : plan.payload);
      const startNs = nowNs();
      const out = await driver.invoke({ seq, payload }, c.hardSignal);
      // No answer because the run stopped waiting (Ctrl-C, grace over): abandoned, not a network fault.
      if (out.status === 0 && out.errorClass !== null && c.hardSignal.aborted) out.errorClass = 'interrupted';
      const latencyUs = (nowNs() - intendedNs) / 1000;
      const sample = toSample(out, target.name, phase.name, round, seq, intendedNs, startNs, latencyUs);
      // After a forced cold start: did a new instance answer? (any cold one confirms; warm ones only deny)
      if (ps.force && out.cold !== null) ps.force.observed = out.cold || ps.force.observed === true;
      // Throttled and rejected invocations are not billed by any provider; what the provider reports
      // per invocation (REPORT's Memory Size and Billed Duration) wins over what the phase assumed.
      if (billed(out, t.price)) {
        const memoryMB = out.memoryMB ?? ps.memory.mb;
        sample.costUSD = t.price.price({
          billedMs: out.billedMs,
          durationMs: out.durationMs,
          latencyMs: latencyUs / 1000,
          initMs: out.initMs,
          memoryMB,
        });
        if (sample.costUSD !== undefined) {
          const memorySource = out.memoryMB !== undefined ? 'provider REPORT' : ps.memory.source;
          const timeSource =
            out.billedMs !== undefined
              ? 'billed duration (provider REPORT)'
              : out.durationMs !== undefined
                ? 'duration (provider-reported, rounded up)'
                : 'duration (client latency)';
          let b = ps.basis.get(round);
          if (!b) ps.basis.set(round, (b = new Map()));
          for (const k of [`memory ${memoryMB} MB (${memorySource})`, timeSource]) b.set(k, (b.get(k) ?? 0) + 1);
        }
      }
      io?.onReport?.({
        latencyUs,
        status: out.status,
        errorClass: out.errorClass,
        cold: out.cold,
        instanceId: out.instanceId,
        acceptedAtMs: out.acceptedAtMs,
        initStartMs: out.initStartMs,
        initMs: out.initMs,
        durationMs: out.durationMs,
      });
      if (io?.record === false) return;
      for (const sink of ps.sinks) sink.add(sample);
    },
  };
}

/** A failure's cause as counted: the driver's, else the first line of its message, else the status. */
function errorCause(out: Outcome): string {
  return (
    out.errorCause ??
    out.errorMessage?.split('\n', 1)[0]?.slice(0, 80) ??
    (out.status ? `HTTP ${out.status}` : 'no response')
  );
}

/**
 * The sample of one invocation: the driver's outcome (less its message) with
 * where and when it ran. Built field by field, in the NDJSON file's key order
 * (and an object spread costs more on this per-invocation path).
 */
function toSample(
  out: Outcome,
  target: string,
  phase: string,
  round: number,
  seq: number,
  intendedNs: number,
  startNs: number,
  latencyUs: number,
): Sample {
  return {
    target,
    phase,
    round,
    seq,
    intendedNs,
    startNs,
    latencyUs,
    status: out.status,
    errorClass: out.errorClass,
    ...(out.errorClass ? { errorCause: errorCause(out) } : {}),
    bytesOut: out.bytesOut,
    bytesIn: out.bytesIn,
    cold: out.cold,
    coldMethod: out.coldMethod,
    initMs: out.initMs,
    durationMs: out.durationMs,
    billedMs: out.billedMs,
    maxMemoryMB: out.maxMemoryMB,
    instanceId: out.instanceId,
    requestId: out.requestId,
    // The platform's clock (local runtime): lines up the samples of several generators (--workers).
    acceptedAtMs: out.acceptedAtMs,
    initStartMs: out.initStartMs,
    initCpuMs: out.initCpuMs,
    initWaitMs: out.initWaitMs,
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
