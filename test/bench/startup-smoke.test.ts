// `npm run bench:startup` stays runnable: the benchmark in its quick mode
// (BENCH_QUICK=1) as a real process. Asserts the table's rows and that its
// figures are real measurements (positive CPU times, ratios consistent with the
// figures they divide), not whether the goals are met: speed is judged by the
// benchmark itself, on a quiet machine, not by a timed test.
import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../helpers/cli.ts';

const test = suite('bench:startup (quick)');

test('prints the table with measured CPU times and ratios to node -e 0', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/startup.ts'], {
    cwd: ROOT,
    env: { ...process.env, BENCH_QUICK: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  assert.ok(code === 0 || code === 1, `exit ${code} (0 all goals met, 1 some missed):\n${out}`);
  const row = (name: string) => {
    const line = out.split('\n').find((l) => l.startsWith(`${name}  `));
    assert.ok(line, `row "${name}" in:\n${out}`);
    const [median, min] = [...line!.matchAll(/(\d+) ms/g)].map((m) => Number(m[1]));
    const ratio = Number(/([\d.]+)×/.exec(line!)?.[1]);
    assert.ok(median! > 0 && min! > 0 && min! <= median!, line);
    return { median: median!, ratio, line: line! };
  };
  const base = row('node -e 0');
  assert.is(base.ratio, 1);
  for (const name of ['fxbench --version', 'fxbench --help', 'fxbench --version (sources, tsx)']) {
    const r = row(name);
    // Ratios are printed from unrounded medians: within rounding of the printed figures.
    assert.ok(Math.abs(r.ratio - r.median / base.median) < 0.05 + 1 / base.median, r.line);
  }
  assert.match(row('fxbench --version').line, /< 150 ms\s+(yes|NO)$/);
  assert.match(out, /\d+ cores, Node v\d+/);
});

test.run();
