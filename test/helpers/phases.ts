/**
 * Helpers for the phase tests: run a fixture scenario (test/fixtures/phases)
 * on the real local runtime, optionally with a driver whose capabilities are
 * narrowed (a provider that cannot force cold starts or set memory), and
 * collect every instance PID seen so a test can check none outlives the run.
 */
import { readFileSync } from 'node:fs';
import { createDriver } from '../../src/drivers/registry.ts';
import type { LocalDriver } from '../../src/drivers/local/driver.ts';
import type { Driver } from '../../src/drivers/types.ts';
import type { Sample } from '../../src/model/sample.ts';
import type { Result } from '../../src/model/result.ts';
import { loadScenario } from '../../src/scenarios/load.ts';
import type { Plan } from '../../src/scenarios/plan.ts';
import { runPlan, type RunEvent } from '../../src/scenarios/runner.ts';
import { alive, ROOT, scratch } from './cli.ts';
import type { Capabilities } from '../../src/model/invocation.ts';

/** Fixture scenarios folder, relative to the repository root. */
export const FIXTURES = 'test/fixtures/phases';

/** Loads a fixture scenario by base name. */
export function loadFixture(name: string): Promise<Plan> {
  return loadScenario(`${FIXTURES}/${name}.ts`, { cwd: ROOT });
}

/** What a fixture run returns besides the Result. */
export interface FixtureRun {
  result: Result;
  /** Every sample, from the NDJSON stream. */
  samples: Sample[];
  /** Progress and error events, in order. */
  events: RunEvent[];
  /** PIDs of instances seen while running. */
  pids: Set<number>;
}

/** Runs a fixture scenario; `caps` narrows the driver's capabilities. Checks that no instance outlives the run. */
export async function runFixture(
  name: string,
  opts: { caps?: Partial<Capabilities>; plan?: (p: Plan) => void } = {},
): Promise<FixtureRun> {
  const plan = await loadFixture(name);
  opts.plan?.(plan);
  const tmp = scratch();
  const samplesFile = `${tmp.dir}/samples.ndjson`;
  const pids = new Set<number>();
  const events: RunEvent[] = [];
  let driver: LocalDriver | undefined;
  try {
    const result = await runPlan(plan, {
      samplesFile,
      createDriver: (t) => {
        const d = createDriver(t);
        if (opts.caps) (d as { capabilities: Capabilities }).capabilities = { ...d.capabilities, ...opts.caps };
        return d;
      },
      onDriver: (_t, d: Driver) => (driver = d as LocalDriver),
      onEvent: (e) => {
        if (e.kind === 'tick') return;
        events.push(e);
        if (driver) for (const pid of driver.pids()) pids.add(pid);
      },
    });
    const text = readFileSync(samplesFile, 'utf8').trim();
    const samples = text ? text.split('\n').map((l) => JSON.parse(l) as Sample) : [];
    for (const pid of pids) if (alive(pid)) throw new Error(`instance ${pid} outlived the run`);
    return { result, samples, events, pids };
  } finally {
    tmp.cleanup();
  }
}
