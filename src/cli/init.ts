/**
 * `fxbench init [dir]`: a working start in a project. Writes bench.config.ts (a
 * local function and its target), scenarios/burst.ts and scenarios/steady.ts,
 * functions/hello, and with `--ci github` a nightly workflow that runs
 * `fxbench run --baseline`; then prints the next three commands. It never
 * overwrites: when any of those files exists it names them, exits 2 and writes
 * nothing. The files are copied from the package (templates/init/, functions/hello).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliCommand } from './command.ts';
import { EPILOGUE } from './epilogue.ts';
import { FxError } from '../model/errors.ts';

/** CI systems `--ci` writes a workflow for. */
export const CI_CHOICES = ['github'] as const;

/** Parsed flags of `init`. */
export interface InitArgs {
  /** Folder to write into (default: the current folder; created when missing). */
  dir?: string;
  ci?: (typeof CI_CHOICES)[number];
}

/** The package root (src/cli/ or dist/cli/ is two levels down). */
const PACKAGE = fileURLToPath(new URL('../../', import.meta.url));

/** What init writes: `from` in the package, `to` in the folder. */
export const INIT_FILES: { from: string; to: string; ci?: InitArgs['ci'] }[] = [
  { from: 'templates/init/bench.config.ts', to: 'bench.config.ts' },
  { from: 'templates/init/scenarios/burst.ts', to: 'scenarios/burst.ts' },
  { from: 'templates/init/scenarios/steady.ts', to: 'scenarios/steady.ts' },
  { from: 'functions/hello/index.mjs', to: 'functions/hello/index.mjs' },
  { from: 'templates/init/github-workflow.yml', to: '.github/workflows/fxbench.yml', ci: 'github' },
];

/** The three commands printed after init (each after fxbenchCommand()), with what each does. */
export const NEXT_STEPS: [args: string, what: string][] = [
  ['run scenarios/burst.ts', 'cold starts of a burst of 10 against functions/hello'],
  ['run scenarios/steady.ts', 'steady load; open the report it names (index.html)'],
  ['history', 'p99 per target over your runs (each run records itself)'],
];

/**
 * How to run fxbench in `dir`: `npx fxbench` where it is installed there (or in a
 * folder above) or when this process runs from npx's cache; else `fxbench`, the
 * global install that is running (npx would look for fxbench in the registry).
 */
export function fxbenchCommand(dir: string): string {
  if (process.argv[1]?.includes(`${path.sep}_npx${path.sep}`)) return 'npx fxbench';
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'node_modules', '.bin', 'fxbench'))) return 'npx fxbench';
    if (path.dirname(d) === d) return 'fxbench';
  }
}

/** `fxbench init [dir]` */
export const initCli: CliCommand = {
  name: 'init',
  module: (exit) => ({
    command: 'init [dir]',
    describe: 'Start a project: bench.config.ts, example scenarios, a local function, optionally a CI workflow',
    builder: (y) =>
      y
        .positional('dir', { type: 'string', describe: 'Folder to write into (default: the current folder)' })
        .option('ci', {
          type: 'string',
          choices: CI_CHOICES,
          describe: 'Also write a nightly CI workflow that runs fxbench run --baseline',
        })
        .example('$0 init', 'in the current folder')
        .example('$0 init bench --ci github', 'in ./bench, with .github/workflows/fxbench.yml')
        .epilogue(EPILOGUE),
    handler: (args) => {
      exit(initCommand({ dir: args.dir as string | undefined, ci: args.ci as InitArgs['ci'] }));
    },
  }),
};

/** Runs `fxbench init`; returns the exit code. Throws FxError (exit 2) when a file exists. */
export function initCommand(
  args: InitArgs,
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): number {
  const shownDir = args.dir ?? '.';
  const dir = path.resolve(shownDir);
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw FxError.invalid([{ file: shownDir, message: 'not a folder; fxbench init writes into a folder' }]);
  const files = INIT_FILES.filter((f) => !f.ci || f.ci === args.ci);
  const existing = files.filter((f) => existsSync(path.join(dir, f.to))).map((f) => f.to);
  if (existing.length)
    throw FxError.invalid(
      existing.map((to) => ({
        file: path.join(shownDir, to),
        message: 'already exists; fxbench init never overwrites a file (nothing was written)',
      })),
    );
  for (const f of files) {
    const to = path.join(dir, f.to);
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(path.join(PACKAGE, f.from), to);
  }

  out(`fxbench init: wrote ${files.length} files in ${shownDir === '.' ? 'the current folder' : shownDir}`);
  for (const f of files) out(`  ${f.to}`);
  out('');
  if (!dependsOnFxbench(dir))
    out('fxbench is not in package.json here: `npm i -D fxbench` pins its version for your team and for CI.');
  out(shownDir === '.' ? 'Next:' : `Next, in ${shownDir}:`);
  const fxbench = fxbenchCommand(dir);
  const commands = NEXT_STEPS.map(([args, what]) => [`${fxbench} ${args}`, what] as const);
  const width = Math.max(...commands.map(([c]) => c.length));
  for (const [command, what] of commands) out(`  ${command.padEnd(width)}   # ${what}`);
  return 0;
}

/** Whether the nearest package.json at or above `dir` lists fxbench. */
function dependsOnFxbench(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    const file = path.join(d, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string> | undefined>;
        return Boolean(pkg.dependencies?.fxbench ?? pkg.devDependencies?.fxbench);
      } catch {
        return false;
      }
    }
    if (path.dirname(d) === d) return false;
  }
}
