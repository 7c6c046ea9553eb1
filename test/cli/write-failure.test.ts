// A write failure after the run (issue 19, item 2): a disk that fills up is not
// "a bug". The file that could not be written is named with the OS reason, the
// others are still written (results.json first), each whole or absent (a temp
// file renamed into place: no truncated file under a final name, no temp file
// left), the summary is printed even with --quiet, and the exit code is 3. A
// --samples stream that fails midway is handled the same way (it used to be an
// unhandled 'error' event: exit 1, the thresholds code). The full disk is a tmpfs
// of a few KB (needs root and mount(8); skipped with a note otherwise).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Result } from '../../src/model/result.ts';
import { runCli, scratch } from '../helpers/cli.ts';
import { mountTmpfs, unmount } from '../helpers/mounts.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

const test = suite('write failures after the run');
const tmp = scratch('fxbench-write-failure-');
let server: TestServer | undefined;
const mounts: string[] = [];
const write = (name: string, phases: string) => {
  const file = path.join(tmp.dir, name);
  writeFileSync(
    file,
    `export default { name: ${JSON.stringify(path.basename(name, '.ts'))}, targets: [{ name: 'srv', provider: 'http', url: ${JSON.stringify(server!.url)} }], phases: [${phases}] };\n`,
  );
  return file;
};
/** A tmpfs of `size` under the scratch folder, or undefined (and a note) when mounting is not possible. */
const full = (name: string, size: string): string | undefined => {
  const dir = path.join(tmp.dir, name);
  if (!mountTmpfs(dir, size)) {
    console.log(`  (skipped: cannot mount a ${size} tmpfs here: needs root and mount(8))`);
    return undefined;
  }
  mounts.push(dir);
  return dir;
};
const small = () => write('small.ts', "{ kind: 'burst', concurrency: 5, rounds: 2, gap: '10ms' }");
const temps = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

test.before(async () => {
  server = await startServer('trivial');
});
test.after(() => {
  server?.stop();
  for (const m of mounts) unmount(m);
  tmp.cleanup();
});

test('a disk too small for index.html: results.json whole, index.html absent, the rest written, summary printed, exit 3', async () => {
  const disk = full('disk64k', '64k');
  if (!disk) return;
  const out = path.join(disk, 'report');
  const r = await runCli(['run', small(), '--out', out, '--quiet', '--no-history']);
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, `fxbench: cannot write ${out}/index.html: no space left on device (ENOSPC)`);
  assert.not.match(r.stderr, /a bug/);
  assert.match(r.stdout, /srv\s+burst #1\s+5\s+0\s/, 'the summary is printed even with --quiet');
  const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
  assert.is(result.targets[0]!.summary!.requests, 10, 'results.json is whole');
  assert.not.ok(existsSync(path.join(out, 'index.html')), 'no truncated index.html');
  for (const f of ['summary.csv', 'percentiles.csv', 'summary.md']) assert.ok(existsSync(path.join(out, f)), f);
  assert.equal(temps(out), [], 'no temp file left');
});

test('report --out onto a full disk: named, exit 3, no truncated file', async () => {
  const disk = full('disk32k', '32k');
  if (!disk) return;
  const results = path.join(tmp.dir, 'ok', 'results.json');
  const ok = await runCli(['run', small(), '--out', path.dirname(results), '-q', '--no-history']);
  assert.is(ok.code, 0, ok.stderr);
  const r = await runCli(['report', results, '--out', disk]);
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /fxbench: cannot write .*index\.html: no space left on device \(ENOSPC\)/);
  assert.match(r.stdout, /srv\s+burst #1\s+5\s/, 'the summary is printed');
  assert.not.ok(existsSync(path.join(disk, 'index.html')));
  JSON.parse(readFileSync(path.join(disk, 'results.json'), 'utf8'));
  assert.equal(temps(disk), []);
});

test('--samples filling its disk midway: the run goes on, the file keeps whole lines, exit 3 naming it', async () => {
  const disk = full('disk16k', '16k');
  if (!disk) return;
  const samples = path.join(disk, 'samples.ndjson');
  const out = path.join(tmp.dir, 'samples-run');
  const r = await runCli([
    'run',
    write('many.ts', "{ kind: 'steady', rate: 200, duration: '1s' }"),
    '--out',
    out,
    '--samples',
    samples,
    '--no-history',
  ]);
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, `✗ ${samples}: no space left on device (ENOSPC); the run goes on without it`);
  assert.match(r.stderr, `fxbench: cannot write ${samples}: no space left on device (ENOSPC)`);
  const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
  assert.is(result.targets[0]!.phases[0]!.requests, 200, 'the run itself is whole');
  const text = readFileSync(samples, 'utf8');
  assert.ok(text.length > 1000 && text.endsWith('\n'), `${text.length} bytes, ending in a newline`);
  const lines = text.trimEnd().split('\n');
  for (const l of lines) JSON.parse(l);
  assert.ok(lines.length < 200, `${lines.length} whole lines kept`);
});

test.run();
