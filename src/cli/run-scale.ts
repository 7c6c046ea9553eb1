/**
 * The scale-out flags of `fxbench run`: `--workers N` (N processes on this
 * machine, results merged exactly) and `--shard i/N` (run share i of N and write
 * a partial result; `fxbench merge` combines the shards). Kept out of run.ts so
 * that file stays a thin command.
 */
import type { Options } from 'yargs';
import { sleep } from '../clock.ts';
import { FxError } from '../model/errors.ts';
import type { Result } from '../model/result.ts';
import type { Plan } from '../scenarios/plan.ts';
import type { RunOptions } from '../scenarios/runner.ts';
import { checkFleetArgs, FLEET_OPTIONS } from '../fleet/lambda-args.ts';

/** Most worker processes accepted. */
export const MAX_WORKERS = 64;

/** Parsed scale-out flags. */
export interface ScaleArgs {
  workers?: number;
  /** `--shard i/N` as given (i from 1). */
  shard?: string;
  /** `--runtime URL`: a running `fxbench serve` for the local targets, instead of the one the run starts. */
  runtime?: string;
  /** `--fleet lambda:<function>` and `--shards N`: the load from N Lambda generators (src/fleet). */
  fleet?: string;
  shards?: number;
  fleetLead?: string;
  /** `--start-at TIME` with `--shard`: wait for this instant, then run; shards given one instant split a burst. */
  startAt?: string;
}

/** The yargs options. */
export const SCALE_OPTIONS: Record<string, Options> = {
  workers: {
    alias: 'w',
    type: 'number',
    describe:
      'Run the load in N worker processes (one core each), each with 1/N of the rate or users; results merged exactly',
  },
  shard: {
    type: 'string',
    describe: 'Run share i of N ("2/4") and write a partial result; combine shards with fxbench merge',
  },
  runtime: {
    type: 'string',
    describe:
      'Local targets: invoke a running `fxbench serve` at this URL (e.g. http://127.0.0.1:8080) instead of the runtime the run starts',
  },
  'start-at': {
    type: 'string',
    describe:
      'With --shard: wait until this instant (ISO 8601, or Unix ms), then run. Shards given one instant start together, and a burst is split among them',
  },
  ...FLEET_OPTIONS,
};

/** Latest --start-at accepted: a day ahead. */
const MAX_START_AHEAD_MS = 24 * 3600_000;

/** Parses --start-at (ISO 8601 or Unix ms); FxError (exit 2) naming it when it is neither, or too far ahead. */
export function parseStartAt(text: string, now = Date.now()): number {
  const ms = /^\d{12,}$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms))
    throw FxError.invalid([
      {
        field: '--start-at',
        message: `expected an instant such as 2026-11-30T12:00:00Z or Unix milliseconds, got ${JSON.stringify(text)}`,
      },
    ]);
  if (ms - now > MAX_START_AHEAD_MS)
    throw FxError.invalid([
      {
        field: '--start-at',
        message: `${new Date(ms).toISOString()} is more than a day ahead: expected the shared start instant of this run`,
      },
    ]);
  return ms;
}

/** Picks the scale-out flags from yargs' parsed args. */
export function scaleArgs(args: Record<string, unknown>): ScaleArgs {
  return {
    workers: args.workers as number | undefined,
    shard: args.shard as string | undefined,
    runtime: args.runtime as string | undefined,
    fleet: args.fleet as string | undefined,
    shards: args.shards as number | undefined,
    fleetLead: args['fleet-lead'] as string | undefined,
    startAt: args['start-at'] as string | undefined,
  };
}

/** Parses `i/N` (i from 1) into an index from 0; throws FxError (exit 2) when malformed. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || i < 1 || i > n)
    throw FxError.invalid([
      { field: '--shard', message: `expected i/N with 1 ≤ i ≤ N, e.g. "1/4", got ${JSON.stringify(text)}` },
    ]);
  return { index: i - 1, count: n };
}

/** Checks the flags before anything runs (exit 2 on bad input). */
export function checkScale(a: ScaleArgs): void {
  if (a.workers !== undefined && (!Number.isInteger(a.workers) || a.workers < 1 || a.workers > MAX_WORKERS))
    throw FxError.invalid([
      { field: '--workers', message: `expected an integer from 1 to ${MAX_WORKERS}, got ${a.workers}` },
    ]);
  if (a.shard !== undefined) parseShard(a.shard);
  if (a.startAt !== undefined) {
    if (a.shard === undefined)
      throw FxError.invalid([
        {
          field: '--start-at',
          message: 'only with --shard i/N (the instant every shard of one split starts at; --fleet picks its own)',
        },
      ]);
    parseStartAt(a.startAt);
  }
  checkFleetArgs(a);
  if (a.shard !== undefined && (a.workers ?? 1) > 1)
    throw FxError.invalid([
      {
        field: '--workers',
        message:
          'cannot be combined with --shard (run each shard with its own workers by sharding finer: --shard i/N with a larger N)',
      },
    ]);
}

/** Runs the plan as the flags say: in this process, in N workers, or one shard. */
export async function runScaled(
  plan: Plan,
  a: ScaleArgs & { scenario: string; config?: string; targets?: string[] },
  opts: Omit<RunOptions, 'onSnapshot'> & {
    signal: AbortSignal;
    /** Called once the run starts with how to get what was recorded so far (a second Ctrl-C writes it). */
    onPartial?: (partial: () => Result | undefined | Promise<Result | undefined>) => void;
  },
): Promise<Result> {
  // --fleet: the load leaves from the fleet's generators, not from here (src/fleet/lambda-client.ts).
  if (a.fleet) {
    const { runFleet } = await import('../fleet/lambda-client.ts');
    return runFleet(plan, { ...opts, ...a, fleet: a.fleet, shards: a.shards! });
  }
  // Loaded when a run starts: `run --help` imports this file for SCALE_OPTIONS alone, and the engine
  // and the drivers behind it are most of a start's CPU.
  const [{ shareLocalRuntime }, engine] = await Promise.all([import('../drivers/local/platform.ts'), loadEngine()]);
  // The local runtime is a platform every generator of the run shares (its own process, or --runtime).
  const needed = plan.targets.some((t) => t.provider === 'local');
  const release = await shareLocalRuntime({ needed, url: a.runtime });
  try {
    return await runScaledOn(plan, a, opts, engine);
  } finally {
    await release();
  }
}

/** The runner, the worker pool and the thresholds, imported together. */
async function loadEngine() {
  const [{ runPlan }, { runWorkers }, { evaluateThresholds }] = await Promise.all([
    import('../scenarios/runner.ts'),
    import('../scenarios/workers/pool.ts'),
    import('../metrics/thresholds.ts'),
  ]);
  return { runPlan, runWorkers, evaluateThresholds };
}

async function runScaledOn(
  plan: Plan,
  a: ScaleArgs & { scenario: string; config?: string; targets?: string[] },
  opts: Parameters<typeof runScaled>[2],
  { runPlan, runWorkers, evaluateThresholds }: Awaited<ReturnType<typeof loadEngine>>,
): Promise<Result> {
  const { onPartial, ...runOpts } = opts;
  // Thresholds are judged on the merged figures, never on one worker's share.
  const judged = (merged: Result): Result => ({
    ...merged,
    thresholds: plan.thresholds?.length ? evaluateThresholds(plan.thresholds, merged.targets) : [],
  });
  if ((a.workers ?? 1) > 1) {
    const merged = await runWorkers({
      workers: a.workers!,
      scenario: a.scenario,
      config: a.config,
      targets: a.targets,
      samplesFile: opts.samplesFile,
      signal: opts.signal,
      onEvent: opts.onEvent,
      onPartial: (gather) => onPartial?.(async () => ((r) => r && judged(r))(await gather())),
    });
    return judged(merged);
  }
  if (a.shard) {
    const shard = parseShard(a.shard);
    const tag = { index: shard.index + 1, count: shard.count };
    const tagged: NonNullable<Result['shard']> = { ...tag };
    if (a.startAt !== undefined) {
      // Waiting here, with the engine and drivers loaded, not in a shell before fxbench starts: the
      // shards' spread is then the clocks' skew plus a timer's wake-up, not each machine's start-up.
      const at = parseStartAt(a.startAt);
      const wait = at - Date.now();
      tagged.startAt = new Date(at).toISOString();
      if (wait > 0) await sleep(wait, opts.signal);
      else if (wait < -1000) {
        tagged.lateMs = Math.round(-wait);
        process.stderr.write(
          `warning: shard ${tag.index}/${tag.count} starts ${(-wait / 1000).toFixed(1)} s after the agreed instant ${tagged.startAt}: a burst split among the shards is not simultaneous\n`,
        );
      }
    }
    const result = await runPlan(plan, {
      ...runOpts,
      shard: { ...shard, simultaneous: a.startAt !== undefined },
      onSnapshot: (snap) => onPartial?.(() => ({ ...snap(), shard: tagged })),
    });
    return { ...result, shard: tagged };
  }
  return runPlan(plan, { ...runOpts, onSnapshot: onPartial });
}
