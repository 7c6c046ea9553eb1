/**
 * `fxbench merge a.json b.json … -o results.json`: combines the partial results
 * of `--shard i/N` runs (on one machine or many) into one results file, adding
 * counters and HdrHistograms exactly, and prints the merged summary. An input
 * may also be a saved log holding `FXBENCH-RESULT` lines (the pods of
 * `fxbench fleet k8s` print one each; `kubectl logs` output, any prefix). The
 * thresholds the shards carry are judged again on the merged figures (exit 1
 * when one is crossed): a shard alone ran only its share.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliCommand } from './command.ts';
import { EPILOGUE } from './epilogue.ts';
import { ExitCode, FxError, type Issue } from '../model/errors.ts';
import { FileError, writeFileAtomic } from '../report/files.ts';
import { checkOutputFile } from './run-outputs.ts';
import { mergeResults } from '../metrics/merge.ts';
import type { Result } from '../model/result.ts';
import { formatSummary } from '../report/text.ts';
import { findResultLines, RESULT_MARKER } from '../fleet/k8s-result-line.ts';
import { parseCondition, parseMetric, type ThresholdSpec } from '../metrics/threshold-parser.ts';
import { evaluateThresholds } from '../metrics/thresholds.ts';
import { formatThresholds } from '../report/thresholds-table.ts';

/** Reads a results file; a missing or malformed one is bad input (exit 2). */
export async function readResult(file: string): Promise<Result> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw FxError.invalid([{ file, message: 'results file not found' }]);
  }
  return parseResult(text, file);
}

function parseResult(text: string, file: string): Result {
  let r: Result;
  try {
    r = JSON.parse(text) as Result;
  } catch (err) {
    throw FxError.invalid([{ file, message: `not JSON: ${(err as Error).message}` }]);
  }
  if (r?.schemaVersion !== 1 || !Array.isArray(r.targets))
    throw FxError.invalid([
      { file, field: 'schemaVersion', message: 'expected an fxbench results file (schemaVersion 1)' },
    ]);
  return r;
}

/** One result read from an input, named as messages show it (`file`, or `file:line` for a log's line). */
export interface ReadInput {
  name: string;
  result: Result;
}

/**
 * Reads an input of `fxbench merge`: a results.json, or a log (any text that is
 * not JSON) with one or more `FXBENCH-RESULT` lines, each one result. Bad input
 * (exit 2): a missing file, a log with no result line, a line that does not decode.
 */
export async function readInputs(file: string): Promise<ReadInput[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw FxError.invalid([{ file, message: 'results file not found' }]);
  }
  if (text.trimStart().startsWith('{') || !text.includes(RESULT_MARKER))
    return [{ name: file, result: parseResult(text, file) }];
  const found = findResultLines(text);
  const bad = found.filter((f) => f.error);
  if (bad.length) throw FxError.invalid(bad.map((f) => ({ file: `${file}:${f.line}`, message: f.error! })));
  return found.map((f) => ({ name: `${file}:${f.line}`, result: parseResult(f.json!, `${file}:${f.line}`) }));
}

/**
 * The threshold rules the shards were run with, rebuilt from their outcomes
 * (metric, condition and scope as written): each shard judged them on its share,
 * the merge judges them again on the whole. A rule this fxbench cannot parse is skipped.
 */
export function shardThresholds(results: Result[]): ThresholdSpec[] {
  const specs = new Map<string, ThresholdSpec>();
  for (const r of results)
    for (const o of r.thresholds ?? []) {
      const metric = parseMetric(o.metric);
      const cond = metric && parseCondition(o.condition, metric.unit);
      if (!metric || !cond || typeof cond === 'string') continue;
      const key = JSON.stringify([o.target, o.metric, o.phase ?? null, o.round ?? null, o.condition]);
      specs.set(key, {
        key: o.metric,
        metric,
        target: o.target,
        ...(o.phase !== undefined ? { phase: o.phase } : {}),
        ...(o.round !== undefined ? { round: o.round } : {}),
        condition: o.condition,
        op: cond.op,
        value: cond.value,
        abortOnFail: false,
      });
    }
  return [...specs.values()];
}

/**
 * How far apart the shards started (ms, from their startedAt), and the earliest
 * and latest: the skew between generators, bounded by the start instant they
 * were given and the hosts' clock sync.
 */
export function startSpread(results: Result[]): { spreadMs: number; first: string; last: string } {
  const times = results.map((r) => Date.parse(r.startedAt)).filter(Number.isFinite);
  const first = Math.min(...times);
  const last = Math.max(...times);
  return { spreadMs: last - first, first: new Date(first).toISOString(), last: new Date(last).toISOString() };
}

/**
 * Refuses inputs that are not distinct shards of one split (FxError, exit 2,
 * naming the files): a whole run (no `shard`: merging it would count its
 * invocations again, and a shard beside it would count that share twice), shards
 * of different splits (2/4 beside 1/3), and the same shard twice (a copy of the
 * same file, or the same share run twice).
 */
export function checkDistinctShards(results: Result[], files: string[]): void {
  const issues: Issue[] = [];
  const whole = files.filter((_, i) => !results[i]!.shard);
  for (const file of whole)
    issues.push({
      file,
      field: 'shard',
      message:
        results.length - whole.length > 0
          ? `a whole run (no "shard" field) given beside shards: its invocations would be counted twice; merge only the shards of one --shard split`
          : 'a whole run (no "shard" field), not a shard: fxbench merge combines the partial results of fxbench run --shard i/N; a whole run needs no merging',
    });
  const shards = results.flatMap((r, i) => (r.shard ? [{ ...r.shard, file: files[i]! }] : []));
  const counts = new Set(shards.map((s) => s.count));
  if (counts.size > 1)
    issues.push({
      message: `shards of different splits: ${shards.map((s) => `${s.file} is ${s.index}/${s.count}`).join(', ')}`,
    });
  const byIndex = new Map<string, string[]>();
  for (const s of shards)
    byIndex.set(`${s.index}/${s.count}`, [...(byIndex.get(`${s.index}/${s.count}`) ?? []), s.file]);
  for (const [shard, list] of byIndex)
    if (list.length > 1)
      issues.push({
        file: list.slice(1).join(', '),
        field: 'shard',
        message: `shard ${shard} is given twice (also in ${list[0]}): each share must be merged once`,
      });
  if (issues.length) throw FxError.invalid(issues);
}

/** `fxbench merge` */
export const mergeCli: CliCommand = {
  name: 'merge',
  module: (exit) => ({
    command: 'merge <files..>',
    describe: 'Combine shard results (run --shard i/N) into one results file',
    builder: (y) =>
      y
        .positional('files', {
          type: 'string',
          array: true,
          describe:
            'results.json files of the shards, or saved logs with FXBENCH-RESULT lines (kubectl logs of fleet k8s pods)',
          demandOption: true,
        })
        .option('out', {
          alias: 'o',
          type: 'string',
          default: 'results.json',
          describe: 'Merged results file to write',
        })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Do not print the summary table' })
        .option('thresholds', {
          type: 'boolean',
          default: true,
          describe:
            "Judge the shards' thresholds again on the merged figures; exit 1 when one is crossed (--no-thresholds: merge only)",
        })
        .example('$0 merge shard1/results.json shard2/results.json -o results.json', 'two shards into one')
        .example('$0 merge logs/*.log -o results.json', 'the kubectl logs of a fleet k8s Job')
        .epilogue(EPILOGUE),
    handler: async (args) => {
      const out = path.resolve(args.out as string);
      checkOutputFile('--out', out);
      const inputs = (await Promise.all((args.files as string[]).map(readInputs))).flat();
      const files = inputs.map((i) => i.name);
      const results = inputs.map((i) => i.result);
      checkDistinctShards(results, files);
      const counts = new Set(results.map((r) => r.shard!.count));
      const seen = new Set(results.map((r) => r.shard!.index));
      const merged = mergeResults(results, files);
      const specs = args.thresholds ? shardThresholds(results) : [];
      if (specs.length) merged.thresholds = evaluateThresholds(specs, merged.targets);
      let failure: FileError | undefined;
      try {
        writeFileAtomic(out, `${JSON.stringify(merged, null, 2)}\n`);
      } catch (err) {
        if (!(err instanceof FileError)) throw err;
        failure = err;
      }
      if (!args.quiet) process.stdout.write(`${formatSummary(merged)}\n`);
      if (merged.thresholds.length) process.stdout.write(`${formatThresholds(merged.thresholds)}\n`);
      if (failure) {
        process.stderr.write(`fxbench: ${failure.message}\n`);
        return exit(ExitCode.runFailed);
      }
      const count = [...counts][0];
      const missing = count ? Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i)) : [];
      if (missing.length)
        process.stderr.write(
          `fxbench: note: shards ${missing.map((i) => `${i}/${count}`).join(', ')} are missing: the merged result covers ${seen.size} of ${count}\n`,
        );
      if (results.length > 1) {
        const s = startSpread(results);
        process.stderr.write(
          `shards started within ${s.spreadMs} ms of each other (first ${s.first}, last ${s.last})\n`,
        );
      }
      process.stderr.write(`wrote ${path.relative(process.cwd(), out) || out}\n`);
      exit(merged.thresholds.some((t) => !t.ok) ? ExitCode.thresholds : ExitCode.ok);
    },
  }),
};
