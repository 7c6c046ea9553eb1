/**
 * The shapes users write: scenarios (scenarios/*.ts) and the project config
 * (bench.config.ts). `defineScenario` and `defineConfig` only give them types, so
 * editors autocomplete; validation happens in load.ts.
 */
import type { FunctionConfig } from '../runtime/function-spec.ts';
import type { LambdaTargetConfig } from '../drivers/lambda/target.ts';

/** Fields every target has, whatever its provider. */
export interface CommonTargetFields {
  /** Function name as the provider knows it. */
  function: string;
  /** Memory size in MB; overrides the function's own. */
  memoryMB?: number;
  /** How cost is computed or projected (default x86_64 Lambda rules for local). */
  pricing?: { arch?: 'x86_64' | 'arm64' };
}

/** `local`: a function declared under `functions` in bench.config.ts, served by the local runtime. */
export interface LocalTargetConfig extends CommonTargetFields {
  provider: 'local';
}

/**
 * A target: one function on one provider. A union over providers: each
 * provider adds its interface here (and its module in drivers/registry.ts).
 */
export type TargetConfig = LocalTargetConfig | LambdaTargetConfig;

/** A target declared inline in a scenario: a config target plus its name. */
export type NamedTarget = TargetConfig & { name: string };

/**
 * Burst: `concurrency` invocations fired at once, `rounds` times, `gap` apart.
 * Against a scaled-to-zero function, round 1 is all cold starts.
 */
export interface BurstPhase {
  kind: 'burst';
  /** Name in reports (default "burst"). */
  name?: string;
  /** Invocations fired at once per round (1–10,000). */
  concurrency: number;
  /** Rounds (default 1). */
  rounds?: number;
  /** Pause between rounds: "500ms", "5s"… (default "1s"). */
  gap?: string | number;
}

/** Every phase kind. */
export type Phase = BurstPhase;

/** A scenario file's default export. */
export interface ScenarioDefinition {
  /** Short name, used in the report folder name. */
  name: string;
  description?: string;
  /** Names of targets in bench.config.ts, or inline targets. */
  targets: (string | NamedTarget)[];
  /** Phases, run in order against each target. */
  phases: Phase[];
  /** Invocation payload: a JSON value (serialised) or a string (sent as is). Default `{}`. */
  payload?: unknown;
}

/** bench.config.ts's default export. */
export interface BenchConfig {
  /** Functions the local runtime serves, by name. */
  functions?: Record<string, FunctionConfig>;
  /** Named targets scenarios can refer to. */
  targets?: Record<string, TargetConfig>;
  /** Defaults for `fxbench run`. */
  defaults?: {
    /** Folder reports are written under (default "reports"). */
    out?: string;
  };
}

/** Types a scenario for editors; returns it unchanged. */
export function defineScenario(s: ScenarioDefinition): ScenarioDefinition {
  return s;
}

/** Types bench.config.ts for editors; returns it unchanged. */
export function defineConfig(c: BenchConfig): BenchConfig {
  return c;
}

/** A burst phase (see {@link BurstPhase}). */
export function burst(p: Omit<BurstPhase, 'kind'>): BurstPhase {
  return { kind: 'burst', ...p };
}
