// test-timeout: 600 s
// test-serial: bursts of 20 and 40 instances and 10-connection load take both cores from the files beside it
// `npm run bench:runtime` stays runnable: the benchmark in its quick mode
// (BENCH_QUICK=1, ~30 s) as a real process, load on 127.0.0.1 only. Asserts the
// table's rows and that its figures are real measurements (positive, ratios
// consistent with the figures they divide), not whether the goals are met: speed
// is judged by the benchmark itself, on a quiet machine, not by a timed test.
// Every process it starts (plain server, floor front and its 10 workers, the
// protocol floor and its 10 instances, fxbench serve and its instances) is gone
// afterwards, checked by PID.
import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { alive, descendants, waitFor } from '../helpers/cli.ts';

const test = suite('bench:runtime (quick)');

test('prints the table with measured figures and leaves no process behind', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/runtime.ts'], {
    env: { ...process.env, BENCH_QUICK: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const seen = new Set<number>();
  const poll = setInterval(() => {
    for (const pid of descendants(child.pid!)) seen.add(pid);
  }, 200);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(poll);
  assert.ok(code === 0 || code === 1, `exit ${code} (0 all goals met, 1 some missed):\n${out}`);
  const row = (name: string) => {
    const line = out.split('\n').find((l) => l.startsWith(name));
    assert.ok(line, `row "${name}" in:\n${out}`);
    return line!;
  };
  const num = (s: string, re: RegExp) => Number(re.exec(s)?.[1]);
  const p50 = row('warm p50 latency (1 conn)');
  assert.ok(num(p50, /^\S.*?\s+([\d.]+) ms/) > 0, p50);
  // Large payloads: both medians measured (a 5 MB body each way takes milliseconds, not 0).
  const big = row('5 MB event and answer (1 conn)');
  const [bigRt, bigPlain] = [...big.matchAll(/([\d.]+) ms/g)].map((m) => Number(m[1]));
  assert.ok(bigRt! > 1 && bigPlain! > 1, big);
  // Printed to 0.1 ms and the ratio to 0.01, from unrounded figures.
  const bigRatio = num(big, /\s([\d.]+)×/);
  assert.ok(Math.abs(bigRatio - bigRt! / bigPlain!) <= bigRatio * (0.05 / bigRt! + 0.05 / bigPlain!) + 0.005, big);
  const tput = row('warm throughput (10 conns)');
  const [rt, plain] = [...tput.matchAll(/(\d+) req\/s/g)].map((m) => Number(m[1]));
  assert.ok(rt! > 100 && plain! > 100, tput);
  const ratio = num(tput, /plain\/runtime ([\d.]+)×/);
  // The rates are printed rounded to whole req/s and the ratio to 0.01, from unrounded figures.
  const slack = ratio * (0.5 / rt! + 0.5 / plain!) + 0.005;
  assert.ok(Math.abs(ratio - plain! / rt!) <= slack, `ratio ${ratio} = ${plain}/${rt}`);
  const floor = row('  floor: bare forwarder to 10 processes');
  assert.ok(num(floor, /(\d+) req\/s/) > 100, floor);
  const cpu = row('  server CPU per request');
  const [cpuRuntime, cpuPlain] = [...cpu.matchAll(/(\d+) µs/g)].map((m) => Number(m[1]));
  assert.ok(cpuRuntime! > 0 && cpuPlain! > 0, cpu);
  // The CPU split: floor, protocol floor (Invoke + Runtime API to 10 fxbench bootstraps), runtime.
  const split = (name: string) => {
    const line = row(name);
    const [a, b] = [...line.matchAll(/(\d+) µs/g)].map((m) => Number(m[1]));
    const r = num(line, /\s([\d.]+)×/);
    assert.ok(a! > 0 && b! > 0, line);
    // Figures printed whole, the ratio to 0.01, from unrounded figures.
    assert.ok(Math.abs(r - a! / b!) <= r * (0.5 / a! + 0.5 / b!) + 0.005, `${r} = ${a}/${b} in ${line}`);
    return [a!, b!];
  };
  const [runtimeCpu, floorCpu] = split('  CPU per request: runtime / floor');
  // The goal's figure: each round's ratio, their median inside their range (one round when quick).
  const paired = /median ([\d.]+)× \(([\d.]+)–([\d.]+)×, (\d+) rounds?\)/.exec(row('  same, round by round'));
  assert.ok(paired, row('  same, round by round'));
  const [pMedian, pMin, pMax, pRounds] = paired!.slice(1).map(Number);
  assert.ok(pMin! > 0 && pMin! <= pMedian! && pMedian! <= pMax!, paired![0]);
  assert.is(pRounds, 1, 'BENCH_QUICK: one round');
  const [protocolCpu, floorCpu2] = split('  protocol floor CPU / floor');
  const [runtimeCpu2, protocolCpu2] = split('  runtime CPU / protocol floor');
  assert.equal([runtimeCpu2, protocolCpu2, floorCpu2], [runtimeCpu, protocolCpu, floorCpu], 'one set of figures');
  assert.is(runtimeCpu, cpuRuntime, 'the runtime figure of "server CPU per request"');
  assert.ok(num(row('  protocol floor CPU / floor'), /\((\d+) req\/s\)/) > 100, 'the protocol floor served load');
  // The floor again over Unix sockets (as the runtime reaches its own bootstrap), and the runtime against it.
  const [floorUnixCpu, floorCpu3] = split('  floor over Unix sockets / floor');
  assert.is(floorCpu3, floorCpu, 'the same floor figure');
  const overUnix = num(row('  floor over Unix sockets / floor'), /runtime \/ it: ([\d.]+)×/);
  const unixSlack = overUnix * (0.5 / runtimeCpu! + 0.5 / floorUnixCpu!) + 0.005;
  assert.ok(
    Math.abs(overUnix - runtimeCpu! / floorUnixCpu!) <= unixSlack,
    `${overUnix} = ${runtimeCpu}/${floorUnixCpu}`,
  );
  const cold = row('cold start, median of 7');
  assert.ok(num(cold, /([\d.]+) ms/) > 1, cold);
  assert.match(out, /\d+ cores, Node v\d+/);
  // The platform table: figures measured, not assumed.
  const spawnCpu = row('CPU per cold start, runtime process (10)');
  assert.ok(num(spawnCpu, /\)\s+([\d.]+) ms/) > 0, spawnCpu);
  for (const n of [20, 40]) {
    const b = row(`burst ${n} (maxInstances 100): cold round 1 / round 2`);
    assert.match(b, new RegExp(`\\d+ / \\d+ of ${n}; errors \\d+; round 1 accepted over \\d+ ms`));
  }
  assert.match(
    row('open model 50/s from cold: late sends per run'),
    / {2}\d+ of \d+ \(\d+ cold starts; CPU \d+% busy before\)$/,
  );
  assert.match(row('  same, init burning 200 ms of CPU: late sends'), / {2}\d+ of \d+ \(\d+ cold starts\)$/);
  assert.match(
    row('open model 4/s for 3 s, by worker count'),
    /--workers 1: \d+ cold starts \(instances started\) for 12 invocations; --workers 2: \d+ cold starts \(instances started\) for 12 invocations/,
  );
  // Process count: plain, floor front + 10 workers, protocol floor + 10 instances, serve + 10 instances at least.
  assert.ok(seen.size >= 31, `saw ${seen.size} descendant processes`);
  await waitFor(() => [...seen].every((pid) => !alive(pid)), 10_000, 'every benchmark process to exit');
});

test.run();
