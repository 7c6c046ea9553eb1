/**
 * `fxbench plan <results.json> --rps N …`: capacity planning from a measured
 * run. Prints the plan and writes plan.json next to the results (or --out).
 */
import path from 'node:path';
import { ExitCode, FxError, type Issue } from '../model/errors.ts';
import { formatPlan } from '../capacity/format.ts';
import { planCapacity } from '../capacity/capacity.ts';
import type { PlanOptions } from '../capacity/types.ts';
import { plannedProviders } from '../drivers/registry.ts';
import type { ScalingLimits } from '../model/planning.ts';
import { readResultFile } from '../metrics/compare-input.ts';
import { parseDurationMs } from '../units.ts';
import type { CliCommand } from './command.ts';
import { EPILOGUE } from './epilogue.ts';
import { PLAN_OPTIONS } from './plan-options.ts';
import { FileError, writeFileAtomic } from '../report/files.ts';
import { checkOutputFile } from './run-outputs.ts';

/** Parses counts such as 250M, 1.5k, 2B, 1000000. */
export function parseCount(input: unknown): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMbB]?)$/.exec(String(input).trim());
  if (!m) return undefined;
  const mult = { '': 1, k: 1e3, m: 1e6, b: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'b'];
  return Number(m[1]) * mult;
}

/** The plan flags, as yargs gives them. */
export interface PlanFlags {
  rps?: number;
  'peak-rps'?: number;
  'peak-duration'?: string;
  'peaks-per-month'?: number;
  p99?: string;
  'monthly-requests'?: string;
  provider?: string;
  'node-price-hour'?: number;
  'instance-concurrency'?: number;
  limit?: string[];
}

/** Checks plan flags into PlanOptions; every problem at once (exit 2). */
export function planOptionsFromFlags(f: PlanFlags): PlanOptions {
  const issues: Issue[] = [];
  const bad = (field: string, message: string) => issues.push({ field, message });
  const positive = (v: number | undefined, field: string) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) bad(field, `expected a positive number, got ${v}`);
    return v;
  };
  const rps = positive(f.rps, '--rps');
  if (rps === undefined) bad('--rps', 'is required: the sustained rate to plan for, e.g. --rps 500');
  const opts: PlanOptions = { rps: rps ?? 0 };
  opts.peakRps = positive(f['peak-rps'], '--peak-rps');
  if (f['peak-duration'] !== undefined) {
    const ms = parseDurationMs(f['peak-duration']);
    if (ms === undefined || ms <= 0)
      bad('--peak-duration', `expected a duration such as "5m", got "${f['peak-duration']}"`);
    else opts.peakDurationS = ms / 1000;
  }
  opts.peaksPerMonth = positive(f['peaks-per-month'], '--peaks-per-month');
  if (f.p99 !== undefined) {
    const ms = parseDurationMs(f.p99);
    if (ms === undefined || ms <= 0) bad('--p99', `expected a latency such as "300ms", got "${f.p99}"`);
    else opts.p99SloMs = ms;
  }
  if (f['monthly-requests'] !== undefined) {
    const n = parseCount(f['monthly-requests']);
    if (n === undefined || n <= 0)
      bad('--monthly-requests', `expected a count such as 250M, got "${f['monthly-requests']}"`);
    else opts.monthlyRequests = n;
  }
  if (f.provider !== undefined) {
    const list = f.provider
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const known = plannedProviders();
    const unknown = list.filter((p) => !known.includes(p));
    if (unknown.length)
      bad(
        '--provider',
        `unknown provider ${unknown.map((u) => JSON.stringify(u)).join(', ')}; expected some of ${known.join(', ')}`,
      );
    opts.providers = list;
  }
  opts.nodePriceHourUSD = positive(f['node-price-hour'], '--node-price-hour');
  opts.instanceConcurrency = positive(f['instance-concurrency'], '--instance-concurrency');
  for (const spec of f.limit ?? []) {
    const m = /^(\w+)\.(maxConcurrency|scaleStep|scaleWindowS|instanceConcurrency)=(\d+(?:\.\d+)?)$/.exec(spec);
    if (!m) {
      bad(
        '--limit',
        `expected provider.field=number (fields: maxConcurrency, scaleStep, scaleWindowS, instanceConcurrency), got "${spec}"`,
      );
      continue;
    }
    opts.limits ??= {};
    (opts.limits[m[1]!] ??= {} as Partial<ScalingLimits>)[m[2] as 'maxConcurrency'] = Number(m[3]);
  }
  if (issues.length) throw FxError.invalid(issues);
  for (const k of Object.keys(opts) as (keyof PlanOptions)[]) if (opts[k] === undefined) delete opts[k];
  return opts;
}

/** Plan options from parsed args when any plan flag was given (`--rps` required then); undefined otherwise. */
export function planOptionsIfAsked(args: Record<string, unknown>): PlanOptions | undefined {
  const names = [
    'rps',
    'peak-rps',
    'peak-duration',
    'peaks-per-month',
    'p99',
    'monthly-requests',
    'provider',
    'node-price-hour',
    'instance-concurrency',
    'limit',
  ];
  if (!names.some((n) => args[n] !== undefined)) return undefined;
  return planOptionsFromFlags(args as PlanFlags);
}

/** `fxbench plan` */
export const planCli: CliCommand = {
  name: 'plan',
  module: (exit) => ({
    command: 'plan <results>',
    describe: 'Capacity plan from a measured run: instances, cold starts and throttling at a peak, SLO, monthly cost',
    builder: (y) =>
      y
        .positional('results', { type: 'string', demandOption: true, describe: 'results.json of a run' })
        .options(PLAN_OPTIONS)
        .option('out', {
          alias: 'o',
          type: 'string',
          describe: 'Where to write plan.json (default: beside the results)',
        })
        .option('json', { type: 'boolean', default: false, describe: 'Print plan.json instead of the table' })
        .example('$0 plan reports/x/results.json --rps 500 --peak-rps 2000 --p99 300ms', 'plan for launch day')
        .example('$0 plan reports/x/results.json --rps 50 --monthly-requests 250M', 'the monthly cost of 250M')
        .epilogue(EPILOGUE),
    handler: async (args) => {
      const opts = planOptionsFromFlags(args as PlanFlags);
      const file = args.results as string;
      const plan = planCapacity(readResultFile(file), opts);
      const out = (args.out as string | undefined) ?? path.join(path.dirname(file), 'plan.json');
      checkOutputFile(args.out !== undefined ? '--out' : 'plan.json beside the results (or --out)', out);
      let failure: FileError | undefined;
      try {
        writeFileAtomic(out, `${JSON.stringify(plan, null, 2)}\n`);
      } catch (err) {
        if (!(err instanceof FileError)) throw err;
        failure = err;
      }
      process.stdout.write(`${args.json ? JSON.stringify(plan, null, 2) : formatPlan(plan)}\n`);
      if (failure) {
        process.stderr.write(`fxbench: ${failure.message}\n`);
        return exit(ExitCode.runFailed);
      }
      process.stderr.write(`wrote ${out}\n`);
      exit(ExitCode.ok);
    },
  }),
};
