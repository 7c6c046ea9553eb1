/**
 * The fleet worker (issue 14): what one Lambda invocation does with a FleetEvent.
 * It writes the bundled scenario and config to a scratch folder, loads and checks
 * them as `fxbench run` does, prepares the first target's driver, waits for the
 * agreed wall-clock instant, runs its share (`--shard i/N`'s split) and answers
 * with the partial result, gzipped when large. An answer over Lambda's 6 MB
 * response limit is refused here with an error that says so, rather than cut.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { epochMs, waitUntil } from '../clock.ts';
import { createDriver } from '../drivers/registry.ts';
import type { Driver } from '../drivers/types.ts';
import { evaluateThresholds } from '../metrics/thresholds.ts';
import { FxError } from '../model/errors.ts';
import type { Result } from '../model/result.ts';
import type { ResolvedTarget } from '../model/target.ts';
import { loadScenario } from '../scenarios/load.ts';
import { runPlan } from '../scenarios/runner.ts';
import * as definers from '../scenarios/types.ts';
import {
  FLEET_API_KEY,
  type FleetAnswer,
  type FleetEvent,
  isFleetEvent,
  MAX_INVOKE_BYTES,
  packAnswer,
} from './lambda-protocol.ts';

/** What a bundled scenario's `import … from 'fxbench'` gets in the worker. */
export const WORKER_API: Record<string, unknown> = { ...definers, evaluateThresholds };

/** Binds bundled scenarios' `fxbench` import (done once, by the handler). */
export function installWorkerApi(): void {
  (globalThis as Record<symbol, unknown>)[Symbol.for(FLEET_API_KEY)] = WORKER_API;
}

/** The worker's view of bench.config.ts: the user's, less `functions` and the targets of provider `local`. */
const CONFIG_WITHOUT_LOCAL = `import user from './config-user.mjs';
const c = { ...(user ?? {}) };
delete c.functions;
if (c.targets && typeof c.targets === 'object')
  c.targets = Object.fromEntries(Object.entries(c.targets).filter(([, t]) => t?.provider !== 'local'));
export default c;
`;

/** Error name of an answer too large for Lambda's response limit. */
export const TOO_LARGE_ERROR = 'FleetResultTooLarge';

/** Runs one share as the event says; resolves to the answer (Lambda sends it as JSON). Throws for a bad event. */
export async function runShard(event: unknown): Promise<FleetAnswer> {
  if (!isFleetEvent(event))
    throw new Error('not an fxbench fleet event: this function is the fxbench fleet worker (fxbench fleet deploy)');
  installWorkerApi();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fxbench-fleet-'));
  try {
    return await runIn(dir, event);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runIn(dir: string, e: FleetEvent): Promise<FleetAnswer> {
  const scenarioFile = path.join(dir, 'scenario.mjs');
  writeFileSync(scenarioFile, e.scenario.code);
  let configFile: string | undefined;
  if (e.config) {
    // The local runtime's functions (and the targets on them) cannot run on a generator, and their code
    // folders are not here: the config is read without them (the client refuses local targets up front).
    writeFileSync(path.join(dir, 'config-user.mjs'), e.config.code);
    configFile = path.join(dir, 'config.mjs');
    writeFileSync(configFile, CONFIG_WITHOUT_LOCAL);
  }
  let plan: Awaited<ReturnType<typeof loadScenario>>;
  try {
    plan = await loadScenario(scenarioFile, { configFile, cwd: dir });
  } catch (err) {
    // Name the user's files, not the scratch copies.
    const msg = err instanceof FxError ? err.message : String(err);
    throw new Error(
      msg
        .replaceAll(scenarioFile, e.scenario.file)
        .replaceAll(configFile ?? '\u0000', e.config?.file ?? '')
        .replaceAll(path.join(dir, 'config-user.mjs'), e.config?.file ?? ''),
    );
  }
  if (e.targets?.length) plan.targets = plan.targets.filter((t) => e.targets!.includes(t.name));
  let actualStartMs: number | undefined;
  let readyAtMs: number | undefined;
  let gated = false;
  // The first target's driver is prepared, then waits for the agreed instant: its first phase leaves then.
  const make = (t: ResolvedTarget): Driver => {
    const d = createDriver(t);
    if (gated) return d;
    gated = true;
    const prepare = d.prepare.bind(d);
    d.prepare = async (signal?: AbortSignal) => {
      await prepare(signal);
      readyAtMs = epochMs();
      await waitUntil(e.startAtMs, signal);
      actualStartMs = epochMs();
    };
    return d;
  };
  // Every generator starts at one instant: phases that split only then (a burst) may split (`simultaneous`).
  const shard = { ...e.shard, simultaneous: true };
  const result: Result = await runPlan(plan, { shard, createDriver: make });
  const tagged: Result = {
    ...result,
    scenario: { ...result.scenario, file: e.scenario.file },
    shard: { index: e.shard.index + 1, count: e.shard.count },
  };
  const { answer, bytes } = packAnswer(tagged, actualStartMs, readyAtMs);
  if (bytes > MAX_INVOKE_BYTES) {
    const err = new Error(
      `shard ${e.shard.index + 1}/${e.shard.count}: its result is ${(bytes / 1024 / 1024).toFixed(1)} MB gzipped, over Lambda's 6 MB response limit: split the load into more shards (--shards), or run fewer targets or phases per run`,
    );
    err.name = TOO_LARGE_ERROR;
    throw err;
  }
  return answer;
}
