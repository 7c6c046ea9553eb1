// The command table and the fast paths: commands.ts lists each command's usage
// and description (so --help loads none of them) and must say what the command's
// own file says; `--help` printed without yargs must be the text yargs prints.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS } from '../../src/cli/commands.ts';
import { topLevelHelp } from '../../src/cli/help.ts';
import { createParser } from '../../src/cli/index.ts';
import { ROOT, runCli } from '../helpers/cli.ts';

const test = suite('cli commands');

test('every command file says the usage and description commands.ts lists', async () => {
  for (const entry of COMMANDS) {
    const mod = (await entry.load()).module(() => undefined);
    assert.is(mod.command, entry.command, entry.name);
    assert.is(mod.describe, entry.describe, entry.name);
    assert.is((await entry.load()).name, entry.name);
  }
});

test('the top-level help printed without yargs is the text yargs prints', async () => {
  for (const width of [80, 91, 100, 110]) {
    const parser = await createParser(['--help'], width, () => undefined);
    assert.fixture(topLevelHelp(width), await parser.getHelp(), `width ${width}`);
  }
});

test('fxbench --version and --help answer, exit 0', async () => {
  const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const v = await runCli(['--version']);
  assert.is(v.code, 0);
  assert.is(v.stdout, `${version}\n`);
  const h = await runCli(['--help']);
  assert.is(h.code, 0);
  assert.is(h.stdout, `${topLevelHelp(100)}\n`); // not a terminal: yargs' width 100
  for (const c of COMMANDS) assert.ok(h.stdout.includes(`fxbench ${c.command}`), c.name);
});

test("a command's own --help loads it (its options are listed)", async () => {
  const r = await runCli(['init', '--help']);
  assert.is(r.code, 0);
  assert.match(r.stdout, /--ci/);
  assert.match(r.stdout, /choices: "github"/);
});

test('an unknown command is exit 2 with usage', async () => {
  const r = await runCli(['nope']);
  assert.is(r.code, 2);
  assert.match(
    r.stderr,
    /unknown command "nope"; the commands are run, init, plan, compare, serve, history, report, merge/,
  );
});

test.run();
