// Outputs checked before the first request (issue 19, item 2): every path
// `fxbench run` will write is tried first (the report folder created with a
// bounded mkdir and written to; --samples, --junit, --history opened), and a
// problem is bad input: exit 2 naming the flag and the OS reason, nothing sent
// (a counting server on 127.0.0.1 says so), no folder left behind. `report --out`
// and `merge -o` are checked the same way.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, scratch } from '../helpers/cli.ts';
import { mountTmpfs, unmount } from '../helpers/mounts.ts';
import { FIXTURES_DIR } from '../helpers/results.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

const test = suite('outputs checked before the first request');
const tmp = scratch('fxbench-outputs-');
let server: TestServer | undefined;
const mounts: string[] = [];
const scenario = path.join(tmp.dir, 'count.ts');

test.before(async () => {
  server = await startServer('trivial');
  writeFileSync(
    scenario,
    `export default {
  name: 'count',
  targets: [{ name: 'srv', provider: 'http', url: ${JSON.stringify(server.url)} }],
  phases: [{ kind: 'burst', concurrency: 5, rounds: 2, gap: '10ms' }],
};
`,
  );
});
test.after(() => {
  server?.stop();
  for (const m of mounts) unmount(m);
  tmp.cleanup();
});

/** Requests the server has received. */
const sent = async () => Number(await (await fetch(`${server!.url}/count`)).text());
/** Temp files left anywhere under the scratch folder. */
const temps = (dir = tmp.dir): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? temps(path.join(dir, e.name)) : /\.tmp$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
const run = (...args: string[]) => runCli(['run', scenario, '--quiet', ...args], { timeoutMs: 60_000 });

test('--out at an existing file: exit 2, ENOTDIR, nothing sent', async () => {
  const file = path.join(tmp.dir, 'a-file');
  writeFileSync(file, 'x');
  const r = await run('--out', file);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, `fxbench: --out: cannot create the folder ${file}: ${file} is not a folder (ENOTDIR)`);
  assert.not.match(r.stderr, /a bug/);
  const sub = await run('--out', path.join(file, 'sub'));
  assert.is(sub.code, 2, sub.stderr);
  assert.match(sub.stderr, `--out: cannot create the folder ${file}/sub: ${file} is not a folder (ENOTDIR)`);
  assert.is(await sent(), 0, 'no request sent');
});

test('--out under /proc (where recursive mkdir never returns) and /sys: exit 2 at once', async () => {
  const t0 = performance.now();
  const p = await run('--out', '/proc/fxbench-x/y');
  assert.is(p.code, 2, p.stderr);
  assert.match(p.stderr, '--out: cannot create the folder /proc/fxbench-x/y: no such file or directory (ENOENT)');
  assert.ok(performance.now() - t0 < 30_000, 'returned');
  const s = await run('--out', '/sys');
  assert.is(s.code, 2, s.stderr);
  assert.match(
    s.stderr,
    /--out: cannot write in the folder \/sys: (permission denied \(EACCES\)|operation not permitted \(EPERM\))/,
  );
  assert.not.ok(existsSync('/sys/history.sqlite'));
  assert.is(await sent(), 0, 'no request sent');
});

test('--out in a folder that cannot be written: exit 2, the OS reason, no folder left', async () => {
  const ro = path.join(tmp.dir, 'ro');
  let expected: RegExp;
  if (mountTmpfs(ro, '16k', { readonly: true })) {
    mounts.push(ro);
    expected = /--out: cannot create the folder .*\/ro\/report: read-only file system \(EROFS\)/;
  } else if (process.getuid?.() !== 0) {
    mkdirSync(ro, { mode: 0o555 });
    expected = /--out: cannot create the folder .*\/ro\/report: permission denied \(EACCES\)/;
  } else {
    console.log('  (skipped: root without mount(8): no folder here is unwritable)');
    return;
  }
  const r = await run('--out', path.join(ro, 'report'));
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, expected);
  assert.is(await sent(), 0, 'no request sent');
});

test('--samples into a missing folder or /dev/full, --junit at a folder, --history under /proc, GITHUB_STEP_SUMMARY at a folder: each named, exit 2', async () => {
  const out = path.join(tmp.dir, 'never');
  const folder = path.join(tmp.dir, 'a-folder');
  mkdirSync(folder);
  const missing = path.join(tmp.dir, 'missing', 'samples.ndjson');
  const a = await run('--out', out, '--samples', missing, '--junit', folder, '--history', '/proc/fxbench-x/h.sqlite');
  assert.is(a.code, 2, a.stderr);
  assert.match(a.stderr, `--samples: cannot write ${missing}: no such file or directory (ENOENT)`);
  assert.match(a.stderr, `--junit: cannot write ${folder}: illegal operation on a directory (EISDIR)`);
  assert.match(a.stderr, '--history: cannot create the folder /proc/fxbench-x: no such file or directory (ENOENT)');
  const b = await run('--out', out, '--samples', '/dev/full', '--history', folder);
  assert.is(b.code, 2, b.stderr);
  assert.match(b.stderr, '--samples: cannot write /dev/full: no space left on device (ENOSPC)');
  assert.match(b.stderr, `--history: cannot write ${folder}: illegal operation on a directory (EISDIR)`);
  const c = await runCli(['run', scenario, '--quiet', '--out', out], { env: { GITHUB_STEP_SUMMARY: folder } });
  assert.is(c.code, 2, c.stderr);
  assert.match(c.stderr, `GITHUB_STEP_SUMMARY: cannot write ${folder}: illegal operation on a directory (EISDIR)`);
  assert.not.ok(existsSync(out), 'the report folder the check made is removed again');
  assert.not.ok(existsSync(path.dirname(missing)));
  assert.is(await sent(), 0, 'no request sent');
});

test('report --out at a file, merge -o into a missing folder, plan --out at a folder: exit 2, nothing written', async () => {
  const file = path.join(tmp.dir, 'report-file');
  writeFileSync(file, 'x');
  const results = path.join(tmp.dir, 'results.json');
  copyFileSync(path.join(FIXTURES_DIR, 'results-burst-a.json'), results);
  const r = await runCli(['report', results, '--out', file]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, `fxbench: --out: cannot create the folder ${file}: ${file} is not a folder (ENOTDIR)`);
  const merged = path.join(tmp.dir, 'nope', 'merged.json');
  const m = await runCli(['merge', results, '-o', merged]);
  assert.is(m.code, 2, m.stderr);
  assert.match(m.stderr, `fxbench: --out: cannot write ${merged}: no such file or directory (ENOENT)`);
  mkdirSync(path.join(tmp.dir, 'a-folder'), { recursive: true });
  const plan = await runCli(['plan', results, '--rps', '10', '--out', path.join(tmp.dir, 'a-folder')]);
  assert.is(plan.code, 2, plan.stderr);
  assert.match(
    plan.stderr,
    `fxbench: --out: cannot write ${tmp.dir}/a-folder: illegal operation on a directory (EISDIR)`,
  );
  assert.equal(temps(), [], 'no temp file left');
});

test('the same flags pointing somewhere writable: the run goes ahead (exit 0) and every file is written', async () => {
  const out = path.join(tmp.dir, 'ok', 'deep', 'report');
  const samples = path.join(tmp.dir, 'samples.ndjson');
  const junit = path.join(tmp.dir, 'junit.xml');
  const r = await run('--out', out, '--samples', samples, '--junit', junit);
  assert.is(r.code, 0, r.stderr);
  assert.is(await sent(), 10);
  for (const f of ['results.json', 'index.html', 'summary.csv', 'percentiles.csv', 'summary.md'])
    assert.ok(existsSync(path.join(out, f)), f);
  assert.ok(existsSync(samples) && existsSync(junit));
  // --out chose the folder and --history was not given: nothing is written outside it (issue 17).
  assert.not.ok(existsSync(path.join(tmp.dir, 'ok', 'deep', 'history.sqlite')), 'no history beside --out');
  assert.equal(readdirSync(path.join(tmp.dir, 'ok', 'deep')), ['report']);
  assert.equal(temps(), [], 'no temp file left');
});

test('history.sqlite: beside the default report folder; with --out only where --history names it (issue 17)', async () => {
  const proj = path.join(tmp.dir, 'proj');
  mkdirSync(proj, { recursive: true });
  const byDefault = await runCli(['run', scenario], { cwd: proj, timeoutMs: 60_000 });
  assert.is(byDefault.code, 0, byDefault.stderr);
  const runs = readdirSync(path.join(proj, 'reports'));
  assert.equal(runs.filter((f) => !f.startsWith('history.sqlite')).length, 1, runs.join(', '));
  assert.ok(runs.includes('history.sqlite'), 'reports/history.sqlite beside reports/<time>-count');
  assert.match(byDefault.stderr, 'recorded in reports/history.sqlite');

  const out = path.join(tmp.dir, 'chosen', 'r');
  const chosen = await runCli(['run', scenario, '--out', out], { cwd: proj, timeoutMs: 60_000 });
  assert.is(chosen.code, 0, chosen.stderr);
  assert.equal(readdirSync(path.join(tmp.dir, 'chosen')), ['r'], "nothing in --out's parent");
  assert.not.ok(existsSync(path.join(out, 'history.sqlite')));
  assert.match(chosen.stderr, 'not recorded in a history store: --out without --history FILE');

  // The history gate reads the store the run records in: with --out, only a named one.
  const gate = await runCli(['run', scenario, '--out', path.join(tmp.dir, 'gated'), '--baseline', 'history', '-q'], {
    cwd: proj,
  });
  assert.is(gate.code, 2, gate.stderr);
  assert.match(gate.stderr, '--baseline history: with --out, name the history store to judge against: --history FILE');
  assert.not.ok(existsSync(path.join(tmp.dir, 'gated')), 'nothing ran');

  const named = path.join(tmp.dir, 'named.sqlite');
  const both = await runCli(['run', scenario, '--out', out, '--history', named, '-q'], {
    cwd: proj,
    timeoutMs: 60_000,
  });
  assert.is(both.code, 0, both.stderr);
  assert.ok(existsSync(named), '--history FILE is used with --out');
  assert.equal(readdirSync(path.join(tmp.dir, 'chosen')), ['r']);
});

test.run();
