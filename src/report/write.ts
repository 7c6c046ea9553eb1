/**
 * Writes a run's outputs into a folder: results.json, index.html, summary.csv,
 * percentiles.csv and summary.md; and appends summary.md to the CI job summary
 * when GITHUB_STEP_SUMMARY names a file. Each file is whole or absent (files.ts).
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { percentilesCsv, summaryCsv } from './csv.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import type { Result } from '../model/result.ts';
import type { CapacityPlan } from '../capacity/types.ts';
import type { HistoryRun } from '../history/trend.ts';
import { ExitCode, FxError } from '../model/errors.ts';
import type { BaselineOutcome } from './headline.ts';
import { FileError, mkdirBounded, osReason, writeFileAtomic } from './files.ts';

/** A file that could not be written, and why (the OS reason). */
export interface WriteFailure {
  file: string;
  reason: string;
}

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
  /** Files that could not be written (each other file was written whole); empty when all were. */
  failures: WriteFailure[];
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
  /** The outcome of a `--baseline` comparison made before writing: the headline's verdict includes it. */
  baseline?: BaselineOutcome;
}

/** Thrown by writeReports when a file could not be written (exit 3): names each file and the OS reason. */
export class ReportWriteError extends FxError {
  constructor(readonly failures: WriteFailure[]) {
    super(ExitCode.runFailed, failures.map((f) => `cannot write ${f.file}: ${f.reason}`).join('\n'));
  }
}

/**
 * Writes every report for `result` into `dir` (created if needed), synchronously
 * (a second Ctrl-C writes the partial result this way before exiting). results.json
 * comes first; each file goes through a temporary file renamed into place, so a
 * file either is whole under its name or is not there. A file that cannot be
 * written (full disk, no permission) is listed in `failures` and the others are
 * still written; nothing throws for an OS error.
 */
export function writeReportsSync(result: Result, dir: string, opts: WriteOptions = {}): WrittenReports {
  const file = (name: string) => path.join(dir, name);
  const failures: WriteFailure[] = [];
  const put = (name: string, render: () => string) => {
    try {
      writeFileAtomic(file(name), render());
    } catch (err) {
      if (!(err instanceof FileError)) throw err;
      failures.push({ file: file(name), reason: err.reason });
    }
  };
  const stepSummary = opts.stepSummary ?? process.env.GITHUB_STEP_SUMMARY ?? '';
  const written: WrittenReports = {
    dir,
    results: file('results.json'),
    html: file('index.html'),
    summaryCsv: file('summary.csv'),
    percentilesCsv: file('percentiles.csv'),
    markdown: file('summary.md'),
    stepSummary: stepSummary || null,
    failures,
  };
  try {
    mkdirBounded(dir);
  } catch (err) {
    failures.push({ file: dir, reason: osReason(err) });
    return written;
  }
  if (opts.results !== false) put('results.json', () => `${JSON.stringify(result, null, 2)}\n`);
  put('index.html', () => renderHtml(result, { plan: opts.plan, history: opts.history, baseline: opts.baseline }));
  if (opts.plan) put('plan.json', () => `${JSON.stringify(opts.plan, null, 2)}\n`);
  put('summary.csv', () => summaryCsv(result));
  put('percentiles.csv', () => percentilesCsv(result));
  const markdown = renderMarkdown(result, { baseline: opts.baseline });
  put('summary.md', () => markdown);
  if (stepSummary) {
    try {
      appendFileSync(stepSummary, `${markdown}\n`);
    } catch (err) {
      failures.push({ file: stepSummary, reason: osReason(err) });
      written.stepSummary = null;
    }
  }
  return written;
}

/**
 * Writes every report for `result` into `dir` (created if needed), as
 * writeReportsSync, and rejects with a ReportWriteError (exit 3) naming every
 * file that could not be written.
 */
export async function writeReports(result: Result, dir: string, opts: WriteOptions = {}): Promise<WrittenReports> {
  const written = writeReportsSync(result, dir, opts);
  if (written.failures.length) throw new ReportWriteError(written.failures);
  return written;
}

/** `reports/20261122-180102-burst`: sortable, one folder per run. */
export function defaultReportDir(root: string, scenarioName: string, when = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${when.getFullYear()}${p(when.getMonth() + 1)}${p(when.getDate())}-${p(when.getHours())}${p(when.getMinutes())}${p(when.getSeconds())}`;
  return path.join(root, `${stamp}-${scenarioName}`);
}
