// Honest error classes (issue 19, item 8): a response that is not HTTP is
// `protocol` (it was `function-error`: the client read the garbage status line
// as status NaN), and invocations abandoned when Ctrl-C's grace period ends are
// `interrupted` (they were `network`). Both are columns of summary.csv and keys
// of every `errors` object.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Result } from '../../src/model/result.ts';
import { alive, finished, runCli, scratch, startCli, waitFor } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

const test = suite('error classes protocol and interrupted');
const tmp = scratch('fxbench-error-classes-');
const servers: TestServer[] = [];
const pids: number[] = [];
test.after(() => {
  for (const s of servers) s.stop();
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  tmp.cleanup();
});

const scenario = (name: string, url: string) => {
  const file = path.join(tmp.dir, `${name}.ts`);
  writeFileSync(
    file,
    `export default { name: '${name}', targets: [{ name: 'srv', provider: 'http', url: ${JSON.stringify(url)} }], phases: [{ kind: 'burst', concurrency: 5, rounds: 3, gap: '10ms' }] };\n`,
  );
  return file;
};
const csvColumn = (csv: string, column: string) => {
  const [head, ...rows] = csv.trim().split('\n');
  const i = head!.split(',').indexOf(column);
  assert.ok(i >= 0, `column ${column} in ${head}`);
  return rows.map((r) => r.split(',')[i]);
};

test('a server answering garbage: every invocation is a protocol error', async () => {
  const server = await startServer('garbage');
  servers.push(server);
  const out = path.join(tmp.dir, 'garbage');
  const r = await runCli(['run', scenario('garbage', server.url), '--out', out, '-q', '--no-history']);
  assert.is(r.code, 0, r.stderr);
  // Each class with its cause (the lean client's first line of the parse error).
  assert.match(
    r.stdout,
    /errors: srv\/burst #1: 5 protocol \(([^)]+)\); srv\/burst #2: 5 protocol \(\1\); srv\/burst #3: 5 protocol \(\1\)/,
  );
  const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
  const e = result.targets[0]!.summary!.errors;
  assert.is(result.targets[0]!.summary!.errorCauses?.protocol?.[0]?.count, 15);
  assert.equal([e.protocol, e['function-error'], e.network], [15, 0, 0]);
  assert.equal(csvColumn(readFileSync(path.join(out, 'summary.csv'), 'utf8'), 'errors_protocol'), ['5', '5', '5']);
});

test('Ctrl-C once, invocations still in flight when the grace period ends: interrupted, not network', async () => {
  const server = await startServer('hang-after', [5]);
  servers.push(server);
  const out = path.join(tmp.dir, 'hang');
  const child = startCli(['run', scenario('hang', server.url), '--out', out, '--no-history']);
  pids.push(child.pid!);
  const received = async () => Number(await (await fetch(`${server.url}/count`)).text());
  await waitFor(async () => (await received()) >= 10, 30_000, 'round 2 to be sent');
  child.kill('SIGINT');
  const r = await finished(child, 30_000);
  assert.is(r.code, 130, r.stderr);
  const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
  assert.is(result.interrupted, true);
  const [one, two] = result.targets[0]!.phases;
  assert.equal([one!.requests, one!.ok], [5, 5]);
  assert.equal([two!.requests, two!.errors.interrupted, two!.errors.network], [5, 5, 0]);
  assert.match(r.stdout, /errors: srv\/burst #2: 5 interrupted/);
  assert.equal(csvColumn(readFileSync(path.join(out, 'summary.csv'), 'utf8'), 'errors_interrupted'), ['0', '5']);
});

test.run();
