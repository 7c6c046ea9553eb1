/**
 * The Kubernetes objects of `fxbench fleet k8s`: a ConfigMap with the scenario's
 * files and an Indexed Job of N pods, pod i running `fxbench run --shard i/N` and
 * printing its partial result as one `FXBENCH-RESULT` line (k8s-result-line.ts)
 * that `fxbench merge` reads back from `kubectl logs`. Checked against the
 * Kubernetes API schemas (kubernetes-models) before anything is written.
 */
import { FxError, type Issue } from '../model/errors.ts';
import type { PodFiles } from './k8s-files.ts';
import { RESULT_MARKER } from './k8s-result-line.ts';

/** Where the ConfigMap is mounted in the pod (the pod's FXBENCH_SCENARIO_DIR). */
export const SCENARIO_DIR = '/fxbench/scenario';
/** uid and gid the pods run as: the `node` user of the official Node images (docker/Dockerfile). */
export const POD_UID = 1000;
/** Most pods of an Indexed Job (the Kubernetes API's limit on completions). */
export const MAX_SHARDS = 100_000;

/** What the manifest is made of. */
export interface JobOptions {
  /** Job name (a DNS label; the ConfigMap is `<name>-scenario`). */
  name: string;
  namespace?: string;
  /** Number of shards = pods = completions = parallelism. */
  shards: number;
  image: string;
  files: PodFiles;
  /** Targets to run (run's --target), all when empty. */
  targets?: string[];
  /** Instant every pod waits for before it starts its shard (ISO 8601), so the shards' loads overlap. */
  startAt?: string;
  /** Upper bound on the Job's life (seconds), from the planned length; absent: none. */
  activeDeadlineSeconds?: number;
  /** CPU and memory per pod, request = limit (e.g. "1", "512Mi"). */
  cpu: string;
  memory: string;
  /** Secrets whose keys become the pods' environment (credentials the config reads). */
  secrets?: string[];
  /** Scenario name, for labels. */
  scenarioName: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A Kubernetes object name from a scenario name: lower case, `-` for anything else, at most 63 characters. */
export function jobNameFor(scenarioName: string): string {
  const s = `fxbench-${scenarioName}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-');
  return s.slice(0, 63).replace(/-+$/, '');
}

/** Single-quotes a word for /bin/sh. */
export function shQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The pod's shell script (run by /bin/sh -c). It reads JOB_COMPLETION_INDEX (set
 * by Kubernetes on an Indexed Job's pods), FXBENCH_SCENARIO_DIR, TMPDIR and
 * FXBENCH_START_AT from its environment. It runs its shard with `--start-at`
 * (fxbench waits for the instant in-process, with its engine loaded, says when it
 * is late, and splits each burst among the pods), prints the result line, and
 * exits with run's code, except 1 (thresholds): a shard's share is not judged,
 * the merged result is.
 */
export function podScript(o: Pick<JobOptions, 'shards' | 'files' | 'targets'>): string {
  const run = [
    'fxbench run',
    `"$FXBENCH_SCENARIO_DIR"/${shQuote(o.files.scenarioKey)}`,
    ...(o.files.configKey ? [`--config "$FXBENCH_SCENARIO_DIR"/${shQuote(o.files.configKey)}`] : []),
    `--shard "$((JOB_COMPLETION_INDEX + 1))/${o.shards}"`,
    '${FXBENCH_START_AT:+--start-at "$FXBENCH_START_AT"}',
    ...(o.targets ?? []).map((t) => `--target ${shQuote(t)}`),
    '--out "$out" --quiet',
  ].join(' ');
  return [
    `shard="$((JOB_COMPLETION_INDEX + 1))/${o.shards}"`,
    'out="$TMPDIR/fxbench-shard"',
    // A result left from an earlier run must never be printed as this one's.
    'rm -rf "$out"',
    run,
    'rc=$?',
    `if [ -s "$out/results.json" ]; then printf '${RESULT_MARKER} %s %s\\n' "$shard" "$(gzip -c "$out/results.json" | base64 -w 0)"; fi`,
    'if [ "$rc" -eq 1 ]; then rc=0; fi',
    'exit "$rc"',
    '',
  ].join('\n');
}

/** Checks the options that the schemas do not (names, counts, quantities); every issue at once. */
export function checkJobOptions(o: JobOptions): Issue[] {
  const issues: Issue[] = [];
  if (!DNS_LABEL.test(o.name) || o.name.length > 63 - '-scenario'.length)
    issues.push({
      field: '--name',
      message: `expected a DNS label of at most ${63 - '-scenario'.length} characters (lower-case letters, digits and "-"), got ${JSON.stringify(o.name)}`,
    });
  if (o.namespace !== undefined && (!DNS_LABEL.test(o.namespace) || o.namespace.length > 63))
    issues.push({ field: '--namespace', message: `expected a DNS label, got ${JSON.stringify(o.namespace)}` });
  if (!Number.isInteger(o.shards) || o.shards < 1 || o.shards > MAX_SHARDS)
    issues.push({ field: '--shards', message: `expected an integer from 1 to ${MAX_SHARDS}, got ${o.shards}` });
  if (!o.image || /\s/.test(o.image))
    issues.push({ field: '--image', message: `expected an image reference, got ${JSON.stringify(o.image)}` });
  const quantity = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;
  if (!quantity.test(o.cpu))
    issues.push({
      field: '--cpu',
      message: `expected a Kubernetes quantity such as "1" or "500m", got ${JSON.stringify(o.cpu)}`,
    });
  if (!quantity.test(o.memory))
    issues.push({
      field: '--memory',
      message: `expected a Kubernetes quantity such as "512Mi", got ${JSON.stringify(o.memory)}`,
    });
  for (const s of o.secrets ?? [])
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(s))
      issues.push({ field: '--secret', message: `expected a Secret name, got ${JSON.stringify(s)}` });
  return issues;
}

/** The ConfigMap and the Job, as plain objects (apiVersion, kind, metadata, …). */
export function buildObjects(o: JobOptions): [Record<string, unknown>, Record<string, unknown>] {
  const labels = { 'app.kubernetes.io/name': 'fxbench', 'app.kubernetes.io/instance': o.name };
  const meta = (name: string) => ({
    name,
    ...(o.namespace ? { namespace: o.namespace } : {}),
    labels,
    annotations: { 'fxbench.dev/scenario': o.scenarioName },
  });
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(`${o.name}-scenario`),
    data: Object.fromEntries(o.files.files.map((f) => [f.key, f.text])),
  };
  const env = [
    { name: 'FXBENCH_SCENARIO_DIR', value: SCENARIO_DIR },
    { name: 'TMPDIR', value: '/tmp' },
    ...(o.startAt ? [{ name: 'FXBENCH_START_AT', value: o.startAt }] : []),
  ];
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(o.name),
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: o.shards,
      // A shard run again later would not overlap the others: fail instead, and say which.
      backoffLimit: 0,
      ttlSecondsAfterFinished: 86_400,
      ...(o.activeDeadlineSeconds ? { activeDeadlineSeconds: o.activeDeadlineSeconds } : {}),
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          securityContext: {
            runAsNonRoot: true,
            runAsUser: POD_UID,
            runAsGroup: POD_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'fxbench',
              image: o.image,
              command: ['/bin/sh', '-c', podScript(o)],
              env,
              ...(o.secrets?.length ? { envFrom: o.secrets.map((name) => ({ secretRef: { name } })) } : {}),
              resources: {
                requests: { cpu: o.cpu, memory: o.memory },
                limits: { cpu: o.cpu, memory: o.memory },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'scenario', mountPath: SCENARIO_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'scenario', configMap: { name: `${o.name}-scenario` } },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
  return [configMap, job];
}

/**
 * Validates both objects against the Kubernetes API's JSON schemas
 * (kubernetes-models). Throws FxError (exit 2) listing each violation by path:
 * a manifest the API server would refuse is never written.
 */
export async function validateObjects(objects: Record<string, unknown>[]): Promise<void> {
  const [{ Job }, { ConfigMap }] = await Promise.all([
    import('kubernetes-models/batch/v1/Job'),
    import('kubernetes-models/v1/ConfigMap'),
  ]);
  const issues: Issue[] = [];
  for (const o of objects) {
    const model = o.kind === 'Job' ? new Job(o as never) : new ConfigMap(o as never);
    try {
      model.validate();
    } catch (err) {
      const errors = (err as { errors?: { instancePath: string; message?: string }[] }).errors;
      if (!errors) throw err;
      for (const e of errors)
        issues.push({ field: `${o.kind}${e.instancePath.replace(/\//g, '.')}`, message: e.message ?? 'invalid' });
    }
  }
  if (issues.length) throw FxError.invalid(issues);
}

/** The manifest as YAML: the ConfigMap, then the Job, one document each. */
export async function manifestYaml(objects: Record<string, unknown>[], header: string): Promise<string> {
  const { stringify } = await import('yaml');
  return `${header}${objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n')}`;
}
