/**
 * `fxbench fleet k8s` as a library call: load and check the scenario (exit 2
 * before anything is written), collect the pods' files, build the ConfigMap
 * and the Indexed Job, validate them against the Kubernetes API schemas, and
 * return the manifest's YAML.
 */
import path from 'node:path';
import { FxError, type Issue } from '../model/errors.ts';
import { loadScenario } from '../scenarios/load.ts';
import { PHASES } from '../scenarios/phases/index.ts';
import type { Plan } from '../scenarios/plan.ts';
import { VERSION } from '../version.ts';
import { collectPodFiles } from './k8s-files.ts';
import { buildObjects, checkJobOptions, jobNameFor, manifestYaml, validateObjects } from './k8s-manifest.ts';

/** What `fxbench fleet k8s` was asked for. */
export interface K8sJobRequest {
  /** Scenario file as the user named it. */
  scenario: string;
  config?: string;
  shards: number;
  image: string;
  name?: string;
  namespace?: string;
  targets?: string[];
  /** Delay from now to the instant every pod starts its shard, ms; 0: no common instant. */
  startDelayMs: number;
  cpu: string;
  memory: string;
  secrets?: string[];
  /** Clock (tests). */
  now?: () => number;
  cwd?: string;
}

/** The manifest and what it carries. */
export interface K8sJob {
  yaml: string;
  name: string;
  /** The Job's objects (ConfigMap, Job). */
  objects: Record<string, unknown>[];
  /** The ConfigMap's files: key and what it was made from. */
  files: { key: string; from: string }[];
  startAt?: string;
  plannedMs?: number;
}

/** Planned length of the run (every phase of every target that runs), or undefined when a phase has none. */
export function plannedRunMs(plan: Plan, targets?: string[]): number | undefined {
  const runs = targets?.length ? plan.targets.filter((t) => targets.includes(t.name)).length : plan.targets.length;
  let total = 0;
  for (const p of plan.phases) {
    const ms = PHASES[p.kind]?.plannedMs?.(p.settings);
    if (ms === undefined) return undefined;
    total += ms;
  }
  return total * runs;
}

/** Builds and validates the manifest. Throws FxError (exit 2) naming every problem. */
export async function buildK8sJob(r: K8sJobRequest): Promise<K8sJob> {
  const cwd = r.cwd ?? process.cwd();
  const plan = await loadScenario(r.scenario, { configFile: r.config, cwd });
  const issues: Issue[] = [];
  const local = plan.targets.filter((t) => t.provider === 'local');
  if (local.length)
    issues.push({
      file: r.scenario,
      field: 'targets',
      message: `${local.map((t) => t.name).join(', ')} ${local.length > 1 ? 'are targets' : 'is a target'} of the local runtime: each pod would start its own runtime and copy of the function, and their shards would not load one function. Give the Job a scenario whose targets the pods reach over the network (lambda, gcf, openfaas, azure, http)`,
    });
  for (const t of r.targets ?? [])
    if (!plan.targets.some((p) => p.name === t))
      issues.push({
        field: '--target',
        message: `no target ${JSON.stringify(t)} in ${r.scenario}; it has ${plan.targets.map((p) => p.name).join(', ')}`,
      });
  const name = r.name ?? jobNameFor(plan.name);
  const startAt = r.startDelayMs > 0 ? new Date((r.now ?? Date.now)() + r.startDelayMs).toISOString() : undefined;
  const plannedMs = plannedRunMs(plan, r.targets);
  const base = {
    name,
    namespace: r.namespace,
    shards: r.shards,
    image: r.image,
    targets: r.targets,
    startAt,
    cpu: r.cpu,
    memory: r.memory,
    secrets: r.secrets,
    scenarioName: plan.name,
    // The planned run, the wait for the start instant, and ten minutes for image pulls and the slowest shard.
    activeDeadlineSeconds:
      plannedMs === undefined ? undefined : Math.ceil((plannedMs * 1.5 + r.startDelayMs) / 1000) + 600,
  };
  issues.push(...checkJobOptions({ ...base, files: { scenarioKey: 'x', files: [] } }));
  if (issues.length) throw FxError.invalid(issues);

  const configAbs = plan.configFile ? path.resolve(cwd, plan.configFile) : undefined;
  const files = await collectPodFiles({
    scenario: { abs: path.resolve(cwd, r.scenario), shown: r.scenario },
    config: configAbs ? { abs: configAbs, shown: plan.configFile! } : undefined,
    configTargets: plan.targets.map((t) => t.name),
  });
  const objects = buildObjects({ ...base, files });
  await validateObjects(objects);
  const header = [
    `# fxbench fleet k8s ${r.scenario} --shards ${r.shards} (fxbench ${VERSION})`,
    `# Job ${name}: ${r.shards} pods, pod i runs fxbench run --shard i/${r.shards} and prints one ${'FXBENCH-RESULT'} line.`,
    ...(startAt ? [`# Every pod starts its shard at ${startAt}: apply before then.`] : []),
    `#   kubectl apply -f this.yaml && kubectl wait --for=condition=complete job/${name} --timeout=${base.activeDeadlineSeconds ?? 3600}s`,
    `#   for p in $(kubectl get pods -l job-name=${name} -o name); do kubectl logs "$p" > "$(basename "$p").log"; done`,
    `#   fxbench merge ${name}-*.log -o merged.json`,
    '',
  ].join('\n');
  return {
    yaml: await manifestYaml(objects, header),
    name,
    objects,
    files: files.files.map((f) => ({ key: f.key, from: f.from })),
    startAt,
    plannedMs,
  };
}
