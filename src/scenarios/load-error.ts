/**
 * Why a scenario or config file could not be loaded, as issues a user can act
 * on: a syntax error keeps esbuild's `file:line:col` and its reason (its message
 * starts "Transform failed with 1 error:" and names them on the next lines); an
 * error thrown while the file runs gets the line of the file it was thrown at,
 * from the stack; anything else its first line.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Issue } from '../model/errors.ts';

/** esbuild's "path:line:col: ERROR: reason" lines. */
const ESBUILD_ERROR = /^(.+?):(\d+):(\d+): ERROR: (.+)$/;
/** A stack frame's "(path:line:col)" or "at path:line:col". */
const STACK_FRAME = /(?:\(|at )((?:file:\/\/)?\/[^\s()]+?):(\d+):(\d+)\)?$/;

/** The issues of a failed import of `abs` (shown to the user as `shown`). */
export function loadErrorIssues(err: unknown, abs: string, shown: string, what: string, cwd: string): Issue[] {
  const message = err instanceof Error ? err.message : String(err);
  const prefix = `cannot load ${what} file`;
  const where = (file: string, line: string, col: string) => `${displayed(file, abs, shown, cwd)}:${line}:${col}`;
  if (message.startsWith('Transform failed')) {
    const issues = message
      .split('\n')
      .slice(1)
      .map((l) => ESBUILD_ERROR.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ file: where(m[1]!, m[2]!, m[3]!), message: `${prefix}: ${m[4]}` }));
    if (issues.length) return issues;
  }
  const first = message.split('\n')[0] ?? '';
  if (err instanceof Error && err.stack)
    for (const line of err.stack.split('\n').slice(1)) {
      const m = STACK_FRAME.exec(line.trim());
      if (m && sameFile(m[1]!, abs)) return [{ file: where(abs, m[2]!, m[3]!), message: `${prefix}: ${first}` }];
    }
  return [{ file: shown, message: `${prefix}: ${first}` }];
}

/** A path or file URL without its query (user files load with `?fxbench-load=N`). */
function plainPath(p: string): string {
  const noQuery = p.replace(/\?.*$/, '');
  return noQuery.startsWith('file://') ? fileURLToPath(noQuery) : noQuery;
}

function sameFile(p: string, abs: string): boolean {
  return path.resolve(plainPath(p)) === path.resolve(abs);
}

/** The file as the user named it when it is the one loaded, else relative to the cwd when inside it. */
function displayed(p: string, abs: string, shown: string, cwd: string): string {
  if (sameFile(p, abs)) return shown;
  const full = path.resolve(cwd, plainPath(p));
  const rel = path.relative(cwd, full);
  return rel && !rel.startsWith('..') ? rel : full;
}
