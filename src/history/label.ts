/**
 * The label a run is recorded with: what was measured, as a commit when one is
 * known. In order: an explicit label (`--label`, FXBENCH_LABEL), GITHUB_SHA (CI),
 * else the commit of the git checkout holding the scenario file (`git rev-parse
 * HEAD` there, `-dirty` when tracked files have uncommitted changes); none when
 * the scenario is not in a git checkout or git is not installed.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Characters of a commit hash kept in a label. */
const SHA_LENGTH = 12;

/** Runs git in `cwd`; its trimmed output, or undefined when it fails (no git, not a checkout). */
function git(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
  } catch {
    return undefined;
  }
}

/** The commit of the checkout holding `dir` (12 hex digits, `-dirty` with uncommitted tracked changes). */
export function gitCommitLabel(dir: string): string | undefined {
  const sha = git(dir, ['rev-parse', 'HEAD']);
  if (!sha || !/^[0-9a-f]{40,64}$/.test(sha)) return undefined;
  const dirty = git(dir, ['status', '--porcelain', '--untracked-files=no']);
  return `${sha.slice(0, SHA_LENGTH)}${dirty ? '-dirty' : ''}`;
}

/** The label for a run of the scenario in `scenarioFile` (see the header). */
export function runLabel(
  explicit: string | undefined,
  scenarioFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (explicit) return explicit;
  if (env.FXBENCH_LABEL) return env.FXBENCH_LABEL;
  if (env.GITHUB_SHA) return env.GITHUB_SHA.slice(0, SHA_LENGTH);
  return scenarioFile ? gitCommitLabel(path.dirname(path.resolve(scenarioFile))) : undefined;
}
