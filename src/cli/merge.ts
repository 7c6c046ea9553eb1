/**
 * `fxbench merge a.json b.json … -o results.json`: combines the partial results
 * of `--shard i/N` runs (on one machine or many) into one results file, adding
 * counters and HdrHistograms exactly, and prints the merged summary.
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

/** Reads a results file; a missing or malformed one is bad input (exit 2). */
export async function readResult(file: string): Promise<Result> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw FxError.invalid([{ file, message: 'results file not found' }]);
  }
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
          describe: 'results.json files of the shards',
          demandOption: true,
        })
        .option('out', {
          alias: 'o',
          type: 'string',
          default: 'results.json',
          describe: 'Merged results file to write',
        })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Do not print the summary table' })
        .example('$0 merge shard1/results.json shard2/results.json -o results.json', 'two shards into one')
        .epilogue(EPILOGUE),
    handler: async (args) => {
      const files = args.files as string[];
      const out = path.resolve(args.out as string);
      checkOutputFile('--out', out);
      const results = await Promise.all(files.map(readResult));
      checkDistinctShards(results, files);
      const counts = new Set(results.map((r) => r.shard!.count));
      const seen = new Set(results.map((r) => r.shard!.index));
      const merged = mergeResults(results, files);
      let failure: FileError | undefined;
      try {
        writeFileAtomic(out, `${JSON.stringify(merged, null, 2)}\n`);
      } catch (err) {
        if (!(err instanceof FileError)) throw err;
        failure = err;
      }
      if (!args.quiet) process.stdout.write(`${formatSummary(merged)}\n`);
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
      process.stderr.write(`wrote ${path.relative(process.cwd(), out) || out}\n`);
      exit(ExitCode.ok);
    },
  }),
};
