/**
 * `fxbench merge a.json b.json … -o results.json`: combines the partial results
 * of `--shard i/N` runs (on one machine or many) into one results file, adding
 * counters and HdrHistograms exactly, and prints the merged summary.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliCommand } from './command.ts';
import { EPILOGUE } from './epilogue.ts';
import { ExitCode, FxError } from '../model/errors.ts';
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
      const results = await Promise.all(files.map(readResult));
      const shards = results.map((r) => r.shard).filter(Boolean);
      const counts = new Set(shards.map((s) => s!.count));
      if (counts.size > 1)
        throw FxError.invalid([
          { message: `shards of different splits: ${shards.map((s) => `${s!.index}/${s!.count}`).join(', ')}` },
        ]);
      const seen = new Set<number>();
      for (const [i, s] of results.map((r) => r.shard).entries()) {
        if (!s) continue;
        if (seen.has(s.index))
          throw FxError.invalid([{ file: files[i], message: `shard ${s.index}/${s.count} is given twice` }]);
        seen.add(s.index);
      }
      const merged = mergeResults(results, files);
      const out = path.resolve(args.out as string);
      await writeFile(out, `${JSON.stringify(merged, null, 2)}\n`);
      if (!args.quiet) process.stdout.write(`${formatSummary(merged)}\n`);
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
