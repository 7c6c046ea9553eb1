/**
 * Every file `fxbench run` will write, checked before the first request: the
 * report folder is created (with a bounded mkdir) and written to, the
 * `--samples`, `--junit` and history files and GITHUB_STEP_SUMMARY are opened
 * for writing. A problem is bad input (exit 2) naming the flag and the OS
 * reason, and nothing is sent; the folders this check created are removed again.
 */
import { rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { defaultHistoryFile } from '../history/store.ts';
import { FxError, type Issue } from '../model/errors.ts';
import { FileError, probeDir, probeFile } from '../report/files.ts';

/** What the check needs of `run`'s flags. */
export interface OutputFlags {
  /** --out as given (undefined: the default folder). */
  out?: string;
  samples?: string;
  junit?: string;
  /** A store file, or false for --no-history. */
  history?: string | false;
  /** --shard: a shard's partial result is not recorded in the history. */
  shard?: string;
}

/** Checks every output of a run into `outDir`; throws FxError (exit 2) listing each problem. */
export function checkRunOutputs(flags: OutputFlags, outDir: string): void {
  const issues: Issue[] = [];
  const created: string[] = [];
  const check = (field: string, what: () => void) => {
    try {
      what();
    } catch (err) {
      if (!(err instanceof FileError)) throw err;
      issues.push({ field, message: err.message });
    }
  };
  check(flags.out !== undefined ? '--out' : 'report folder (defaults.out, or --out)', () =>
    created.push(...probeDir(outDir)),
  );
  const outOk = !issues.length;
  if (flags.samples) check('--samples', () => probeFile(flags.samples!, { truncate: true }));
  if (flags.junit) check('--junit', () => probeFile(flags.junit!));
  // The default history store is beside the report folder: checked once that folder is.
  const file = historyFile(flags, outDir);
  if (file && !flags.shard && (flags.history || outOk)) {
    const field = flags.history ? '--history' : 'history store (default beside the report folder; or --no-history)';
    check(field, () => {
      created.push(...probeDir(path.dirname(file)));
      if (exists(file)) probeFile(file);
    });
  }
  const stepSummary = process.env.GITHUB_STEP_SUMMARY;
  if (stepSummary) check('GITHUB_STEP_SUMMARY', () => probeFile(stepSummary));
  if (!issues.length) return;
  // Leave no trace of the check: remove the folders it made (only if still empty).
  for (const dir of created.reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      /* not empty, or gone */
    }
  }
  throw FxError.invalid(issues);
}

/**
 * The history store a run records itself in: --history FILE; else, when the
 * report folder is the default one (reports/<timestamp>-<scenario>),
 * history.sqlite beside it (reports/history.sqlite, where `fxbench history`
 * looks). With --out DIR and no --history, none: a run told where to write
 * writes nothing outside DIR (its parent may be /tmp, or anyone's folder).
 * undefined: not recorded.
 */
export function historyFile(flags: Pick<OutputFlags, 'out' | 'history'>, outDir: string): string | undefined {
  if (flags.history === false) return undefined;
  if (flags.history) return path.resolve(flags.history);
  return flags.out === undefined ? defaultHistoryFile(outDir) : undefined;
}

/** Checks that `file` can be written (see probeFile); throws FxError (exit 2) naming `field` and the OS reason. */
export function checkOutputFile(field: string, file: string, opts: { truncate?: boolean } = {}): void {
  try {
    probeFile(file, opts);
  } catch (err) {
    if (!(err instanceof FileError)) throw err;
    throw FxError.invalid([{ field, message: err.message }]);
  }
}

/** Creates `dir` if needed and checks files can be written in it; throws FxError (exit 2) naming `field`. */
export function checkOutputDir(field: string, dir: string): void {
  try {
    probeDir(dir);
  } catch (err) {
    if (!(err instanceof FileError)) throw err;
    throw FxError.invalid([{ field, message: err.message }]);
  }
}

/** A path relative to the current folder when it is inside it, else absolute. */
export function shownPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}
