/** Writes a run's outputs into a folder: results.json and index.html. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderHtml } from './html.ts';
import type { Result } from './result.ts';

/** Paths of the files written. */
export interface WrittenReports {
  dir: string;
  results: string;
  html: string;
}

/** Writes every report for `result` into `dir` (created if needed). */
export async function writeReports(result: Result, dir: string): Promise<WrittenReports> {
  await mkdir(dir, { recursive: true });
  const results = path.join(dir, 'results.json');
  const html = path.join(dir, 'index.html');
  await writeFile(results, JSON.stringify(result, null, 2) + '\n');
  await writeFile(html, renderHtml(result));
  return { dir, results, html };
}

/** `reports/20261122-180102-burst`: sortable, one folder per run. */
export function defaultReportDir(root: string, scenarioName: string, when = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${when.getFullYear()}${p(when.getMonth() + 1)}${p(when.getDate())}-${p(when.getHours())}${p(when.getMinutes())}${p(when.getSeconds())}`;
  return path.join(root, `${stamp}-${scenarioName}`);
}
