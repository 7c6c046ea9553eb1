// test-timeout: 900 s
// `npm run bench:gate` stays runnable: the benchmark in its quick mode
// (BENCH_QUICK=1: 6 history runs, one A/B run of 3 pairs per case) as a real process, load
// on 127.0.0.1 only (the local runtime). Asserts the table's rows and that every
// rate carries the run count it rests on, not whether the goals are met: too
// few runs for rates, and speed is judged by the benchmark itself. Every process
// it starts is gone afterwards, checked by PID.
import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { alive, descendants } from '../helpers/cli.ts';

const test = suite('bench:gate (quick)');

test('prints the error-rate table with run counts and leaves no process behind', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/gate.ts'], {
    env: { ...process.env, BENCH_QUICK: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (err += c));
  const seen = new Set<number>();
  const poll = setInterval(() => {
    for (const pid of descendants(child.pid!)) seen.add(pid);
  }, 500);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(poll);
  assert.ok(code === 0 || code === 1, `exit ${code} (0 all goals met, 1 some missed):\n${out}\n${err}`);
  assert.match(out, /^fxbench gate error rates, \d{4}-\d\d-\d\d \(BENCH_QUICK: too few runs for rates\)$/m);
  const rows: [string, string, string][] = [
    ['history window', 'false alarms \\(unchanged\\)', '0\\/1|1\\/1'],
    ['history window', 'detected: warm path 30% slower', '[01]\\/1'],
    ['history window', 'detected: init \\+100 ms', '[01]\\/1'],
    ['A/B in one run', 'false alarms \\(unchanged\\)', '[01]\\/1'],
    ['A/B in one run', 'detected: warm path 30% slower', '[01]\\/1'],
    ['A/B in one run', 'detected: init \\+100 ms', '[01]\\/1'],
  ];
  for (const [gate, measure, runs] of rows)
    assert.match(
      out,
      new RegExp(`^${gate}\\s+${measure}\\s+(${runs})\\s+(0|100)%\\s+[≤≥] \\d+%\\s+(met|MISSED)$`, 'm'),
    );
  // 6 unchanged history runs: the first 5 advisory, 1 gated, each logged with the band it rested on
  // (none for the first); every A/B run had the 3 pairs of the quick mode.
  assert.is(err.match(/^history unchanged \d\/6: advisory \(latency\.warm\.p50 [\d.]+/gm)?.length, 5, err);
  assert.match(err, /^history unchanged 6\/6: \w+.* \(latency\.warm\.p50 [\d.]+ vs [\d.]+…[\d.]+ \(5 runs\)/m);
  assert.is(err.match(/^A\/B \w+ 1\/1 \(3 pairs\)/gm)?.length, 3, err);
  await new Promise((r) => setTimeout(r, 500));
  for (const pid of seen) assert.not.ok(alive(pid), `process ${pid} still alive`);
});

test.run();
