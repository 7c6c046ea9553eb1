/**
 * `run --fleet lambda:<function> --shards N`: the flags, checked before anything
 * runs (exit 2). Kept apart from lambda-client.ts so `run --help` and the checks
 * load nothing heavy.
 */
import type { Options } from 'yargs';
import { FxError } from '../model/errors.ts';
import { parseDurationMs } from '../units.ts';

/** Most shards one fleet run accepts (each is one concurrent invocation). */
export const MAX_SHARDS = 1000;

/** The yargs options, added to run's "Scale:" group (cli/run-scale.ts). */
export const FLEET_OPTIONS: Record<string, Options> = {
  fleet: {
    type: 'string',
    describe:
      'Send the load from a fleet of generators: lambda:<function> (made by fxbench fleet deploy; region from AWS_REGION)',
  },
  shards: {
    type: 'number',
    describe: 'With --fleet: how many generators, each running share i/N of the load (as --shard i/N)',
  },
  'fleet-lead': {
    type: 'string',
    describe:
      'With --fleet: how far ahead the generators are told to start, all at one instant (default "5s"; more for large fleets of cold functions)',
  },
};

/** `--fleet-lead` in ms (default 5 s); throws FxError (exit 2) when malformed. */
export function fleetLeadMs(text: string | undefined): number {
  if (text === undefined) return 5000;
  const ms = parseDurationMs(text);
  if (ms === undefined || ms < 0 || ms > 60_000)
    throw FxError.invalid([
      { field: '--fleet-lead', message: `expected a duration from 0 to 60s, e.g. "10s", got ${JSON.stringify(text)}` },
    ]);
  return ms;
}

/** A parsed `--fleet` value. */
export interface FleetTarget {
  provider: 'lambda';
  functionName: string;
}

/** Parses `--fleet lambda:<function>`; throws FxError (exit 2) when malformed. */
export function parseFleet(text: string): FleetTarget {
  const m = /^lambda:(.+)$/.exec(text.trim());
  if (!m)
    throw FxError.invalid([
      {
        field: '--fleet',
        message: `expected lambda:<function> (a function made by fxbench fleet deploy), got ${JSON.stringify(text)}`,
      },
    ]);
  return { provider: 'lambda', functionName: m[1]! };
}

/** Checks `--fleet` and `--shards` before anything runs (exit 2). */
export function checkFleetArgs(a: {
  fleet?: string;
  shards?: number;
  fleetLead?: string;
  workers?: number;
  shard?: string;
  samples?: string;
  runtime?: string;
}): void {
  if (a.fleet === undefined) {
    for (const [k, v] of [
      ['--shards', a.shards],
      ['--fleet-lead', a.fleetLead],
    ] as const)
      if (v !== undefined) throw FxError.invalid([{ field: k, message: 'only with --fleet lambda:<function>' }]);
    return;
  }
  fleetLeadMs(a.fleetLead);
  parseFleet(a.fleet);
  if (a.shards === undefined || !Number.isInteger(a.shards) || a.shards < 1 || a.shards > MAX_SHARDS)
    throw FxError.invalid([
      {
        field: '--shards',
        message: `expected the number of generators, an integer from 1 to ${MAX_SHARDS}, got ${a.shards ?? 'nothing'}`,
      },
    ]);
  for (const other of ['workers', 'shard', 'samples', 'runtime'] as const)
    if (a[other] !== undefined)
      throw FxError.invalid([
        {
          field: `--${other}`,
          message:
            other === 'samples'
              ? 'cannot be combined with --fleet (the samples stay on the generators; results.json carries the merged histograms)'
              : other === 'runtime'
                ? 'cannot be combined with --fleet (the generators cannot reach a local runtime)'
                : 'cannot be combined with --fleet (the fleet shards the load)',
        },
      ]);
}
