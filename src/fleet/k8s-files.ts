/**
 * The files a Kubernetes pod needs to run a scenario: the scenario and the
 * bench.config.ts it uses, as ConfigMap entries. A file that imports other
 * local files is bundled with them into one ES module (esbuild, which tsx
 * already brings); an npm package other than fxbench is refused, since the pod's
 * image has only fxbench. The user's config is shipped whole (it may read
 * credentials from the pod's environment) behind a small wrapper that keeps only
 * the targets the scenario names and drops `functions`: local functions' code
 * folders are not in the pod, and a local target is refused anyway.
 */
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FxError, type Issue } from '../model/errors.ts';
import { loadEsbuild } from './lambda-bundle.ts';

/** A ConfigMap's size limit (bytes of all its data; the API server refuses more). */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;

/** One file of the ConfigMap: its key (a file name in the mounted folder) and text. */
export interface PodFile {
  key: string;
  text: string;
  /** How it was made from the user's file, for the command's log line. */
  from: string;
}

/** What the pods run: the scenario and config file names inside the mounted folder, and every file. */
export interface PodFiles {
  scenarioKey: string;
  configKey?: string;
  files: PodFile[];
}

const BUILTIN = new Set(builtinModules);
const isBuiltin = (spec: string) => spec.startsWith('node:') || BUILTIN.has(spec) || BUILTIN.has(spec.split('/')[0]!);

/**
 * The file's own text when it imports nothing local, else one bundled ES module.
 * Throws FxError (exit 2) naming each npm package it imports besides fxbench.
 */
export async function podFileOf(abs: string, shown: string, keyBase: string): Promise<PodFile> {
  const { build } = await loadEsbuild();
  let result: Awaited<ReturnType<typeof build>>;
  try {
    result = await build({
      entryPoints: [abs],
      // Paths in the bundle's comments, relative to the file's own folder.
      absWorkingDir: path.dirname(abs),
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      metafile: true,
      logLevel: 'silent',
    });
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors ?? [];
    throw FxError.invalid(
      errors.length
        ? errors.map((e) => ({ file: e.location ? `${e.location.file}:${e.location.line}` : shown, message: e.text }))
        : [{ file: shown, message: `cannot be bundled for the pods: ${(err as Error).message}` }],
    );
  }
  const meta = result.metafile!;
  const inputs = Object.keys(meta.inputs);
  const packages = [
    ...new Set(
      Object.values(meta.inputs)
        .flatMap((i) => i.imports)
        .filter((i) => i.external && i.path !== 'fxbench' && !isBuiltin(i.path))
        .map((i) => i.path),
    ),
  ];
  if (packages.length)
    throw FxError.invalid([
      {
        file: shown,
        message: `imports ${packages.map((p) => JSON.stringify(p)).join(', ')}: the fxbench image has no npm package but fxbench, so the pods could not load it. Inline what it needs, or build an image FROM the fxbench one with the package installed globally and pass it as --image (then vendor it into a local file the scenario imports, which is bundled)`,
      },
    ]);
  const ext = path.extname(abs);
  if (inputs.length <= 1) return { key: `${keyBase}${ext}`, text: readFileSync(abs, 'utf8'), from: shown };
  return {
    key: `${keyBase}.bundle.mjs`,
    text: `// ${shown} bundled with its local imports by fxbench fleet k8s (${inputs.length} files)\n${result.outputFiles![0]!.text}`,
    from: `${shown} and ${inputs.length - 1} local file${inputs.length > 2 ? 's' : ''} it imports, bundled`,
  };
}

/** The config wrapper: the user's config with only `targets` named, and no `functions`. */
export function configWrapper(userKey: string, targets: readonly string[]): string {
  return [
    '// Written by fxbench fleet k8s: the user config beside this file, with only the targets the',
    '// scenario names (local functions and their code folders are not in the pod).',
    `import config from './${userKey}';`,
    `const keep = new Set(${JSON.stringify(targets)});`,
    'const { functions: _functions, ...rest } = config ?? {};',
    'export default {',
    '  ...rest,',
    '  targets: Object.fromEntries(Object.entries(rest.targets ?? {}).filter(([name]) => keep.has(name))),',
    '};',
    '',
  ].join('\n');
}

/**
 * Collects the pods' files for a scenario and its config (absolute paths; `shown`
 * as the user named them). `configTargets` are the targets the scenario takes
 * from the config by name. Throws FxError (exit 2) when the files exceed a ConfigMap.
 */
export async function collectPodFiles(o: {
  scenario: { abs: string; shown: string };
  config?: { abs: string; shown: string };
  configTargets: readonly string[];
}): Promise<PodFiles> {
  const scenario = await podFileOf(
    o.scenario.abs,
    o.scenario.shown,
    path.basename(o.scenario.abs).replace(/\.[^.]+$/, ''),
  );
  const files = [scenario];
  let configKey: string | undefined;
  if (o.config) {
    const user = await podFileOf(o.config.abs, o.config.shown, 'user.config');
    // A plain .ts config stays TypeScript, loaded by the pod's fxbench through tsx like any config.
    files.push(user, { key: 'bench.config.mjs', text: configWrapper(user.key, o.configTargets), from: 'fxbench' });
    configKey = 'bench.config.mjs';
  }
  const bytes = files.reduce((a, f) => a + Buffer.byteLength(f.text) + f.key.length, 0);
  if (bytes > CONFIGMAP_MAX_BYTES) {
    const issues: Issue[] = [
      {
        file: o.scenario.shown,
        message: `the pods' files come to ${bytes} bytes, more than a ConfigMap holds (${CONFIGMAP_MAX_BYTES}): ${files.map((f) => `${f.key} ${Buffer.byteLength(f.text)} B`).join(', ')}`,
      },
    ];
    throw FxError.invalid(issues);
  }
  return { scenarioKey: scenario.key, configKey, files };
}
