// The sharded CI workflow (issue 14, part 3): .github/workflows/sharded.yml runs
// N shards as a matrix and merges them in a following job. Its commands are
// checked against the CLI itself: each is parsed by fxbench's own yargs parser
// (createParser, strict: an unknown or misspelled flag fails) and stopped
// before its handler runs; the matrix covers shards 1..N of the --shard i/N it
// runs; the artifacts the shards upload are the files the merge reads; and
// docs/ci.md shows the same workflow.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { createParser } from '../../src/cli/index.ts';
import { parseShard, parseStartAt } from '../../src/cli/run-scale.ts';
import { ROOT } from '../helpers/cli.ts';

/** The matrix value as the workflow writes it. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
const MATRIX_SHARD = '${{ matrix.shard }}';
const FILE = path.join(ROOT, '.github/workflows/sharded.yml');
const text = readFileSync(FILE, 'utf8');
type Step = {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
};
type Job = { needs?: string; steps: Step[]; strategy?: { matrix: Record<string, unknown[]> } };
const workflow = parse(text) as {
  on: { workflow_dispatch: { inputs: Record<string, { default: string }> } };
  jobs: Record<string, Job>;
};

/** Splits a shell command line into words (quotes removed; enough for these lines). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/**
 * The `npx fxbench <sub> …` command of a step's script, as words after `fxbench`,
 * cut at `||`, `;` or `&&`; `values` replaces expressions and variables first.
 */
function fxbenchCommand(step: Step, sub: string, values: Record<string, string> = {}): string[] {
  let line = step.run!.split('\n').find((l) => l.includes(`npx fxbench ${sub}`));
  assert.ok(line, `a line running fxbench ${sub} in ${step.name ?? step.run}`);
  for (const [k, v] of Object.entries(values)) line = line!.replaceAll(k, v);
  line = line!.slice(line!.indexOf('npx fxbench') + 'npx fxbench'.length).split(/\|\||;|&&/)[0]!;
  return words(line);
}

class Parsed extends Error {}

/** Parses argv with fxbench's yargs parser, stopping before the command's handler; resolves to the args. */
async function parseCli(argv: string[]): Promise<Record<string, unknown>> {
  const parser = await createParser(argv, 100, () => undefined);
  let args: Record<string, unknown> | undefined;
  parser.middleware((a) => {
    args = a;
    throw new Parsed();
  }, false);
  try {
    await parser.parseAsync();
  } catch (err) {
    if (!(err instanceof Parsed)) throw new Error(`fxbench ${argv.join(' ')}: ${(err as Error).message}`);
  }
  assert.ok(args, `fxbench ${argv.join(' ')} parsed`);
  return args!;
}

const step = (job: string, pred: (s: Step) => boolean) => {
  const s = workflow.jobs[job]!.steps.find(pred);
  assert.ok(s, `a step in job ${job}`);
  return s!;
};

const test = suite('.github/workflows/sharded.yml');
const shardJob = workflow.jobs.shard!;
const matrix = shardJob.strategy!.matrix.shard as number[];
const runStep = step('shard', (s) => !!s.run?.includes('fxbench run'));
const scenario = workflow.on.workflow_dispatch.inputs.scenario!.default;

test('the matrix runs shards 1..N of a --shard i/N split, each parsed by the CLI', async () => {
  assert.ok(matrix.length >= 2);
  const counts = new Set<number>();
  const indexes: number[] = [];
  for (const value of matrix) {
    const argv = fxbenchCommand(runStep, 'run', { [MATRIX_SHARD]: String(value), $SCENARIO: scenario });
    assert.not.ok(
      argv.some((w) => w.includes('${{')),
      `no expression left in ${argv.join(' ')}`,
    );
    const args = await parseCli(argv);
    assert.is(args.scenario, scenario);
    const { index, count } = parseShard(args.shard as string);
    indexes.push(index + 1);
    counts.add(count);
    assert.is(args.out, 'reports/shard');
  }
  assert.equal([...counts], [matrix.length], 'N of --shard i/N is the size of the matrix');
  assert.equal(
    indexes.sort((a, b) => a - b),
    Array.from({ length: matrix.length }, (_, i) => i + 1),
  );
  // The default scenario exists and the scenario the shard step runs is the input.
  assert.ok(readFileSync(path.join(ROOT, scenario), 'utf8').includes('defineScenario'));
  assert.match(runStep.env!.SCENARIO!, 'inputs.scenario');
});

test('every shard runs from one start instant planned before the matrix: --start-at, Unix ms the CLI accepts', async () => {
  assert.is(shardJob.needs, 'plan');
  assert.match(runStep.env!.START_AT!, 'needs.plan.outputs.start-at');
  const argv = fxbenchCommand(runStep, 'run', { [MATRIX_SHARD]: '1', $SCENARIO: scenario });
  assert.ok(argv.includes('--start-at'), argv.join(' '));
  const args = await parseCli(argv);
  assert.is(args['start-at'], '$START_AT');
  // The plan job's instant: Unix milliseconds two minutes ahead, which --start-at parses as that instant.
  const plan = step('plan', (s) => !!s.run?.includes('start-at='));
  const expr = /start-at=\$\(\( \(\$\(date \+%s\) \+ (\d+)\) \* 1000 \)\)/.exec(plan.run!);
  assert.ok(expr, plan.run);
  const now = Date.now();
  const ms = (Math.floor(now / 1000) + Number(expr![1])) * 1000;
  assert.is(parseStartAt(String(ms), now), ms);
});

test('the merge job reads what the shards uploaded, and its commands parse', async () => {
  const upload = step('shard', (s) => s.uses?.startsWith('actions/upload-artifact') === true);
  assert.is(upload.with!.path, 'reports/shard/results.json');
  const names = matrix.map((v) => String(upload.with!.name).replace(MATRIX_SHARD, String(v)));
  const merge = workflow.jobs.merge!;
  assert.is(merge.needs, 'shard');
  const download = step('merge', (s) => s.uses?.startsWith('actions/download-artifact') === true);
  const pattern = new RegExp(`^${String(download.with!.pattern).replace('*', '.*')}$`);
  assert.ok(
    names.every((n) => pattern.test(n)),
    `${download.with!.pattern} matches ${names.join(', ')}`,
  );
  // download-artifact with a pattern puts each artifact in <path>/<name>/.
  const files = names.map((n) => `${download.with!.path}/${n}/results.json`);
  const mergeArgv = fxbenchCommand(
    step('merge', (s) => !!s.run?.includes('fxbench merge')),
    'merge',
  );
  const glob = new RegExp(`^${mergeArgv[1]!.replace('*', '[^/]+')}$`);
  assert.ok(
    files.every((f) => glob.test(f)),
    `${mergeArgv[1]} matches ${files.join(', ')}`,
  );
  const merged = await parseCli(['merge', ...files, ...mergeArgv.slice(2)]);
  assert.equal(merged.files, files);
  assert.is(merged.thresholds, true, 'thresholds judged on the merge');
  const out = merged.out as string;
  const compare = await parseCli(
    fxbenchCommand(
      step('merge', (s) => !!s.run?.includes('fxbench compare')),
      'compare',
    ),
  );
  assert.is(compare.current, out, 'compare judges the merged file');
  assert.is(compare.baseline, 'baseline/results.json');
  const report = await parseCli(
    fxbenchCommand(
      step('merge', (s) => !!s.run?.includes('fxbench report')),
      'report',
    ),
  );
  assert.equal(report.results, [out]);
});

test('a misspelled flag would fail this test (the parser is strict)', async () => {
  let message = '';
  try {
    await parseCli(['run', scenario, '--shrad', '1/4']);
  } catch (err) {
    message = (err as Error).message;
  }
  assert.match(message, 'Unknown argument: shrad');
});

test('docs/ci.md shows this workflow, word for word', () => {
  const docs = readFileSync(path.join(ROOT, 'docs/ci.md'), 'utf8');
  assert.ok(docs.includes(`\`\`\`yaml\n${text}\`\`\``), 'docs/ci.md has the file in a yaml block');
});

test.run();
