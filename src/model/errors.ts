/**
 * Exit codes and the one error type that carries them up to the CLI.
 * One enum, after k6's exitcodes: every command maps its outcome here.
 */
export const ExitCode = {
  /** Everything ran and every threshold held. */
  ok: 0,
  /** The run finished but a threshold or a baseline comparison failed. */
  thresholds: 1,
  /** Bad input: scenario, config or flag. Nothing was sent. */
  badInput: 2,
  /** The run itself failed (a driver could not be prepared, the runtime died). */
  runFailed: 3,
  /** Interrupted by Ctrl-C; the partial result was written. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** One problem found in an input, with where it was found. */
export interface Issue {
  /** File the problem is in, as the user named it. */
  file?: string;
  /** Dotted path of the field, e.g. `phases[0].concurrency`. */
  field?: string;
  /** What was expected and what was found. */
  message: string;
}

/** What the OS said, as "reason (CODE)": `ENOSPC: no space left on device, write` → `no space left on device (ENOSPC)`. */
export function osReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (!e?.code || typeof e.message !== 'string') return String((e as Error)?.message ?? err);
  const text = e.message.startsWith(`${e.code}: `) ? e.message.slice(e.code.length + 2) : e.message;
  // Drop the syscall and path Node appends (", mkdir '/x'"): the caller names the file.
  const reason = text.replace(/, (?:open|mkdir|write|rename|unlink|scandir|stat|lstat|access|close|fsync)\b.*$/, '');
  return `${reason} (${e.code})`;
}

/** Formats an issue as `file: field: message`. */
export function formatIssue(issue: Issue): string {
  return [issue.file, issue.field, issue.message].filter(Boolean).join(': ');
}

/**
 * An error that knows its exit code. Validation errors carry every issue found,
 * one per line, so a user fixes a file in one pass.
 */
export class FxError extends Error {
  readonly exitCode: ExitCode;
  readonly issues: Issue[];
  constructor(exitCode: ExitCode, message: string, issues: Issue[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FxError';
    this.exitCode = exitCode;
    this.issues = issues;
  }

  /** A bad-input error (exit 2) from a list of issues. */
  static invalid(issues: Issue[]): FxError {
    return new FxError(ExitCode.badInput, issues.map(formatIssue).join('\n'), issues);
  }

  /** A run failure (exit 3), e.g. a driver that could not be prepared. */
  static runFailed(message: string, cause?: unknown): FxError {
    return new FxError(ExitCode.runFailed, message, [], { cause });
  }
}
