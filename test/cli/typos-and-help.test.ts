// The CLI as a newcomer meets it (issue 17): a typo in a command or an option
// gets "did you mean", `fxbench run` alone lists the scenarios it can run, every
// --help prints its examples whole (never cut mid-command), and `run --help`
// groups its flags. The real CLI, as a user runs it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS } from '../../src/cli/commands.ts';
import { distance, nearest } from '../../src/cli/suggest.ts';
import { runCli, scratch } from '../helpers/cli.ts';

const test = suite('typos and help');
const tmp = scratch('fxbench-typos-');
test.after(() => tmp.cleanup());

const USAGE = /\nRun "fxbench (run )?--help" for usage\.\n$/;

test('a mistyped command: did you mean, exit 2; a word nowhere near one: the list of commands', async () => {
  for (const [typed, meant] of [
    ['rn', 'run'],
    ['reprot', 'report'],
    ['histroy', 'history'],
    ['comapre', 'compare'],
  ]) {
    const r = await runCli([typed!, 'x']);
    assert.is(r.code, 2, typed);
    assert.is(r.stdout, '');
    assert.match(r.stderr, `fxbench: unknown command "${typed}"; did you mean "fxbench ${meant}"?\n`);
    assert.match(r.stderr, USAGE);
  }
  const far = await runCli(['xyz']);
  assert.is(far.code, 2);
  assert.match(far.stderr, `unknown command "xyz"; the commands are ${COMMANDS.map((c) => c.name).join(', ')}\n`);
});

test('a mistyped option: did you mean the near one; an option near nothing: named alone', async () => {
  const r = await runCli(['run', 'scenarios/burst.ts', '--tagret', 'x', '--qiet', '--max-regresion=a']);
  assert.is(r.code, 2);
  assert.is(
    r.stderr,
    [
      'fxbench: unknown option --tagret; did you mean --target?',
      'unknown option --qiet; did you mean --quiet?',
      'unknown option --max-regresion; did you mean --max-regression?',
      'Run "fxbench run --help" for usage.',
      '',
    ].join('\n'),
  );
  const far = await runCli(['run', 'scenarios/burst.ts', '--frobnicate']);
  assert.is(far.code, 2);
  assert.match(far.stderr, 'fxbench: unknown option --frobnicate\nRun "fxbench run --help" for usage.\n');
  const extra = await runCli(['run', 'scenarios/burst.ts', 'scenarios/ramp.ts']);
  assert.is(extra.code, 2);
  assert.match(extra.stderr, 'fxbench: unexpected argument "scenarios/ramp.ts"\n');
});

test('nearest: a typo within 1 edit (2 from five letters; a swap is one), else nothing', () => {
  assert.is(nearest('qiet', ['quiet', 'out']), 'quiet');
  assert.is(nearest('otu', ['out']), 'out', 'a swap');
  assert.is(nearest('oat', ['out', 'config']), 'out');
  assert.is(nearest('ab', ['out']), undefined);
  assert.is(nearest('tagret', ['target', 'config']), 'target');
  assert.is(nearest('xyz', ['run', 'init']), undefined);
  assert.is(distance('tagret', 'target'), 1, 'a swap is one edit');
  assert.is(distance('kitten', 'sitting'), 3);
  assert.is(distance('', 'abc'), 3);
  assert.is(distance('run', 'run'), 0);
});

test('`fxbench run` alone: exit 2 and the scenarios it finds in ./scenarios, as commands', async () => {
  const proj = path.join(tmp.dir, 'proj');
  mkdirSync(path.join(proj, 'scenarios'), { recursive: true });
  for (const f of ['b.ts', 'a.ts', 'types.d.ts', 'notes.md']) writeFileSync(path.join(proj, 'scenarios', f), '');
  const r = await runCli(['run'], { cwd: proj });
  assert.is(r.code, 2);
  assert.is(
    r.stderr,
    [
      'fxbench: name a scenario file to run: fxbench run <scenario>',
      'Scenarios in scenarios/:',
      '  fxbench run scenarios/a.ts',
      '  fxbench run scenarios/b.ts',
      'Run "fxbench run --help" for usage.',
      '',
    ].join('\n'),
  );
  const none = await runCli(['run'], { cwd: tmp.dir });
  assert.is(none.code, 2);
  assert.match(none.stderr, 'No scenarios/ here: "fxbench init" writes bench.config.ts and two scenarios');
  const repo = await runCli(['run']);
  assert.match(repo.stderr, '  fxbench run scenarios/burst.ts\n');
});

test("every command's --help: each example whole on its own line, under its description", async () => {
  for (const c of COMMANDS) {
    const h = await runCli([c.name, '--help']);
    assert.is(h.code, 0, h.stderr);
    const section = h.stdout.split('\nExamples:\n')[1]?.split('\n\n')[0];
    assert.ok(section, `${c.name} has examples`);
    const lines = section!.split('\n');
    assert.ok(lines.length >= 2 && lines.length % 2 === 0, `${c.name}: ${section}`);
    lines.forEach((line, i) => {
      // A cut example would leave a line that is neither a description nor a command.
      if (i % 2 === 0) assert.match(line, /^ {2}# \S/, `${c.name}: ${line}`);
      else assert.match(line, /^ {2}(fxbench|curl) \S/, `${c.name}: ${line}`);
    });
  }
});

test('run --help groups its flags: Output, Scale, Gates, Capacity plan', async () => {
  const h = await runCli(['run', '--help']);
  assert.is(h.code, 0);
  const groups = new Map<string, string>();
  for (const block of h.stdout.split('\n\n')) {
    const [title, ...rest] = block.split('\n');
    if (/^[A-Z].*:$/.test(title!)) groups.set(title!, rest.join('\n'));
  }
  assert.equal(
    [...groups.keys()].filter((t) => t !== 'Positionals:' && t !== 'Examples:'),
    ['Output:', 'Scale:', 'Gates (judged after the run):', 'Capacity plan:', 'Options:'],
  );
  const has = (title: string, flags: string[]) => {
    for (const f of flags) assert.match(groups.get(title)!, new RegExp(`--${f}\\b`), `${f} under ${title}`);
  };
  has('Output:', ['out', 'samples', 'junit', 'history', 'quiet']);
  has('Scale:', ['workers', 'shard', 'runtime']);
  has('Gates (judged after the run):', ['baseline', 'max-regression', 'min-requests']);
  has('Capacity plan:', ['rps', 'peak-rps', 'p99', 'monthly-requests', 'limit']);
  assert.not.match(groups.get('Options:')!, /--rps|--baseline|--out/);
});

test.run();
