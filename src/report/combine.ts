/**
 * Side by side: several results files combined into one Result whose targets
 * are labelled by run (`<label> · <target>`), so every table and chart of the
 * report shows them next to each other. The label comes from the file's path:
 * its folder for `…/<folder>/results.json` (fxbench run's layout), else its name.
 */
import path from 'node:path';
import { SCHEMA_VERSION, type Result, type RunInfo } from '../model/result.ts';

/** One results file to combine. */
export interface LabelledRun {
  file: string;
  result: Result;
}

/** A short label for a results file: `20260301-100000-burst` for `reports/20260301-100000-burst/results.json`. */
export function runLabel(file: string): string {
  const base = path.basename(file);
  if (base === 'results.json') return path.basename(path.dirname(path.resolve(file)));
  return base.replace(/\.json$/i, '');
}

/** Labels for files, made unique (`a`, `a (2)`) and never empty. */
export function runLabels(files: string[]): string[] {
  const seen = new Map<string, number>();
  return files.map((f, i) => {
    const label = runLabel(f) || `run ${i + 1}`;
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return n === 1 ? label : `${label} (${n})`;
  });
}

/** Combines runs into one Result, targets prefixed with their run's label. */
export function combineResults(runs: LabelledRun[]): Result {
  if (runs.length === 1) return runs[0]!.result;
  const labels = runLabels(runs.map((r) => r.file));
  const named = (label: string, name: string) => `${label} · ${name}`;
  const infos: RunInfo[] = runs.map(({ file, result }, i) => ({
    label: labels[i]!,
    file,
    tool: result.tool,
    scenario: result.scenario,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    interrupted: result.interrupted,
  }));
  const scenarios = [...new Set(runs.map((r) => r.result.scenario.name))];
  const files = [...new Set(runs.map((r) => r.result.scenario.file))];
  const times = (key: 'startedAt' | 'finishedAt') =>
    runs
      .map((r) => r.result[key])
      .filter((t) => !Number.isNaN(Date.parse(t)))
      .sort();
  const aborted = runs
    .map((r, i) => (r.result.abortedByThreshold ? `${labels[i]}: ${r.result.abortedByThreshold}` : ''))
    .filter(Boolean);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: runs[0]!.result.tool,
    scenario: {
      name: scenarios.length === 1 ? `${scenarios[0]} (${runs.length} runs)` : scenarios.join(' vs '),
      file: files.join(', '),
    },
    startedAt: times('startedAt')[0] ?? runs[0]!.result.startedAt,
    finishedAt: times('finishedAt').at(-1) ?? runs[0]!.result.finishedAt,
    interrupted: runs.some((r) => r.result.interrupted),
    targets: runs.flatMap(({ result }, i) => result.targets.map((t) => ({ ...t, name: named(labels[i]!, t.name) }))),
    thresholds: runs.flatMap(({ result }, i) =>
      (result.thresholds ?? []).map((th) => ({ ...th, target: named(labels[i]!, th.target) })),
    ),
    ...(aborted.length ? { abortedByThreshold: aborted.join('; ') } : {}),
    runs: infos,
  };
}
