// Live progress in a real terminal (issue 17): `fxbench run` inside tmux (a
// terminal emulator: what it shows is what a user sees), the screen captured
// every 100 ms while the run goes and once at the end with its scrollback.
// While it runs, the screen holds at most one live line, the last one, and it
// speaks of the current round only (a burst round of 3 never shows more than 3
// requests; the warm rounds show 0 cold starts, not the phase's 3). When it
// ends, no live line is left anywhere, and each phase left one totals line
// whose numbers are results.json's. A local function on the local runtime
// (127.0.0.1), 9 + 60 invocations.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { alive, BIN, ROOT, scratch } from '../helpers/cli.ts';

const test = suite('live progress on a terminal');
const tmp = scratch('fxbench-progress-tty-');
const socket = `fxbench-test-${process.pid}`;
let serverPid: number | undefined;
let socketPath: string | undefined;

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

test.before(() => {
  // .ci/run installs tmux; a machine without it fails here, by name, rather than passing untested.
  const found = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error('tmux is needed for this test (apt-get install tmux)');
});
test.after(() => {
  try {
    tmux('kill-server');
  } catch {
    /* already gone */
  }
  if (serverPid && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
  if (socketPath) rmSync(socketPath, { force: true });
  tmp.cleanup();
});

/** A live line: the current round's figures, the rate, the clock. */
const LIVE = /^ {2}local-fn \S+[^:]*: \d+ req, \d+ err, \d+ cold, p50 \S+ ms, p99 \S+ ms, \d+ req\/s, .* s$/;

test('one live line, of the current round, erased at the end; one totals line per phase', async () => {
  const scenario = path.join(tmp.dir, 'tty.ts');
  const out = path.join(tmp.dir, 'out');
  writeFileSync(
    scenario,
    `export default {
  name: 'tty',
  functions: { 'tty-fn': { kind: 'node', code: ${JSON.stringify(path.join(ROOT, 'functions/hello'))} } },
  targets: [{ name: 'local-fn', provider: 'local', function: 'tty-fn' }],
  phases: [
    { kind: 'burst', concurrency: 3, rounds: 3, gap: '700ms' },
    { kind: 'steady', rate: 20, duration: '3s' },
  ],
};
`,
  );
  const command = [process.execPath, BIN, 'run', scenario, '--out', out, '--no-history'].map((a) => `'${a}'`).join(' ');
  tmux('new-session', '-d', '-x', '120', '-y', '50', '-c', tmp.dir, `${command}; echo FXBENCH-EXIT-$?; sleep 300`);
  serverPid = Number(tmux('display-message', '-p', '#{pid}').trim());
  socketPath = tmux('display-message', '-p', '#{socket_path}').trim();

  const screens: string[] = [];
  const end = Date.now() + 120_000;
  while (Date.now() < end) {
    const screen = tmux('capture-pane', '-p', '-J');
    screens.push(screen);
    if (screen.includes('FXBENCH-EXIT-')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const final = tmux('capture-pane', '-p', '-J', '-S', '-');
  assert.match(final, 'FXBENCH-EXIT-0', final);

  const live: string[] = [];
  for (const screen of screens) {
    const lines = screen.split('\n').filter((l) => l.trim());
    const here = lines.filter((l) => LIVE.test(l));
    assert.ok(here.length <= 1, `one live line at a time:\n${screen}`);
    if (here.length) {
      assert.is(lines.at(-1), here[0], `the live line is the last one on the screen:\n${screen}`);
      live.push(here[0]!);
    }
  }
  const burst = live.filter((l) => / burst/.test(l));
  const steady = live.filter((l) => / steady/.test(l));
  assert.ok(burst.length > 0 && steady.length > 0, `live lines seen for both phases: ${live.join('\n')}`);
  for (const l of burst) {
    const req = Number(/: (\d+) req/.exec(l)![1]);
    const cold = Number(/, (\d+) cold/.exec(l)![1]);
    assert.ok(req <= 3 && cold <= req, `a burst round has 3 invocations; the phase's totals are not shown: ${l}`);
    if (/ burst #[23]:/.test(l)) assert.is(cold, 0, `a warm round shows its own 0 cold starts: ${l}`);
  }
  for (const l of steady) assert.ok(Number(/: (\d+) req/.exec(l)![1]) <= 60, l);

  // At the end: nothing live left, in the scrollback either; one totals line per phase, equal to results.json.
  const lines = final.split('\n');
  assert.equal(
    lines.filter((l) => LIVE.test(l)),
    [],
    'no live line left behind',
  );
  const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
  const phases = result.targets[0].phases as { name: string; requests: number; ok: number; coldStarts: number }[];
  for (const name of ['burst', 'steady']) {
    const totals = lines.filter((l) => l.startsWith(`  local-fn ${name} done: `));
    assert.is(totals.length, 1, `one totals line for ${name}:\n${final}`);
    const rounds = phases.filter((p) => p.name === name);
    const sum = (f: (p: (typeof rounds)[0]) => number) => rounds.reduce((a, p) => a + f(p), 0);
    assert.match(
      totals[0]!,
      new RegExp(
        `: ${sum((p) => p.requests)} req, ${sum((p) => p.requests - p.ok)} err, ${sum((p) => p.coldStarts)} cold, p50 \\S+ ms, p99 \\S+ ms, `,
      ),
    );
  }
  assert.match(lines.find((l) => l.includes('burst done'))!, ': 9 req, 0 err, 3 cold,');
});

test.run();
