/**
 * Writes a run's outputs into a folder: results.json, index.html, summary.csv,
 * percentiles.csv and summary.md; and appends summary.md to the CI job summary
 * when GITHUB_STEP_SUMMARY names a file.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { percentilesCsv, summaryCsv } from './csv.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import type { Result } from '../model/result.ts';
import type { CapacityPlan } from '../capacity/types.ts';
import type { HistoryRun } from '../history/trend.ts';

/** Paths of the files written. */
export interface WrittenReports {
  dir: string;
  /** results.json (left as it was when WriteOptions.results is false). */
  results: string;
  html: string;
  summaryCsv: string;
  percentilesCsv: string;
  markdown: string;
  /** The CI job summary file summary.md was appended to, if any. */
  stepSummary: string | null;
}

/** Options of writeReports. */
export interface WriteOptions {
  /** Write results.json (default true; `fxbench report` rebuilding in place skips it). */
  results?: boolean;
  /** File to append summary.md to (default: $GITHUB_STEP_SUMMARY; '' for none). */
  stepSummary?: string;
  /** A capacity plan: written as plan.json and shown in index.html. */
  plan?: CapacityPlan;
  /** The scenario's last runs from the history store: index.html adds a trend chart. */
  history?: HistoryRun[];
}

/** Writes every report for `result` into `dir` (created if needed). */
export async function writeReports(result: Result, dir: string, opts: WriteOptions = {}): Promise<WrittenReports> {
  await mkdir(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  const markdown = renderMarkdown(result);
  const results = file('results.json');
  if (opts.results !== false) await writeFile(results, `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(file('index.html'), renderHtml(result, { plan: opts.plan, history: opts.history }));
  if (opts.plan) await writeFile(file('plan.json'), `${JSON.stringify(opts.plan, null, 2)}\n`);
  await writeFile(file('summary.csv'), summaryCsv(result));
  await writeFile(file('percentiles.csv'), percentilesCsv(result));
  await writeFile(file('summary.md'), markdown);
  const stepSummary = opts.stepSummary ?? process.env.GITHUB_STEP_SUMMARY ?? '';
  if (stepSummary) await appendFile(stepSummary, `${markdown}\n`);
  return {
    dir,
    results,
    html: file('index.html'),
    summaryCsv: file('summary.csv'),
    percentilesCsv: file('percentiles.csv'),
    markdown: file('summary.md'),
    stepSummary: stepSummary || null,
  };
}

/** `reports/20261122-180102-burst`: sortable, one folder per run. */
export function defaultReportDir(root: string, scenarioName: string, when = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${when.getFullYear()}${p(when.getMonth() + 1)}${p(when.getDate())}-${p(when.getHours())}${p(when.getMinutes())}${p(when.getSeconds())}`;
  return path.join(root, `${stamp}-${scenarioName}`);
}
