// Node instances start from fxbench's V8 startup snapshot (src/runtime/snapshot.ts):
// the snapshot is built once per memory size; instances of JavaScript handlers run
// with --snapshot-blob and the heap cap (checked on their real command lines);
// handlers load with import() as before (top-level await works); the cap still
// makes a runaway handler out-of-memory; TypeScript handlers take the plain path.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { LocalRuntime } from '../../src/runtime/runtime.ts';
import { ensureSnapshot, readySnapshot, snapshotByDefault, snapshotsOn } from '../../src/runtime/snapshot.ts';
import { call, spec, startRuntime } from '../helpers/runtime.ts';

// On by default only on Node 20; this file tests the snapshot path on every Node.
process.env.FXBENCH_SNAPSHOT = '1';
let rt: LocalRuntime;
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

const test = suite('startup snapshots for node instances');

test.before(async () => {
  rt = await startRuntime([
    spec('tla', { kind: 'node', code: 'test/fixtures/functions/tla', memoryMB: 160 }),
    spec('fail', { kind: 'node', code: 'functions/fail', memoryMB: 160, timeout: '5s' }),
  ]);
});

test.after(async () => {
  await rt?.stop();
});

test('on by default on Node 20 only (slower than the plain start on 24 and 26, measured); both switches', () => {
  assert.is(snapshotByDefault('20.20.2'), true);
  assert.is(snapshotByDefault('24.22.3'), false);
  assert.is(snapshotByDefault('26.12.1'), false);
  const on20 = snapshotByDefault();
  assert.is(snapshotsOn({}), on20);
  assert.is(snapshotsOn({ FXBENCH_SNAPSHOT: '1' }), true);
  assert.is(snapshotsOn({ FXBENCH_NO_SNAPSHOT: '1', FXBENCH_SNAPSHOT: '1' }), false);
});

test('one snapshot per memory size, built before the first instance starts', async () => {
  const file = readySnapshot(160);
  assert.ok(file && existsSync(file), 'the 160 MB snapshot is ready once the runtime has started');
  assert.ok(statSync(file).size > 1_000_000, `a real V8 snapshot (${statSync(file).size} bytes)`);
  assert.is(await ensureSnapshot(160), file, 'built once, then reused');
});

test('a build that fails leaves nothing behind and means the plain bootstrap (no snapshot)', async () => {
  // A 1 MB heap cannot hold Node's start-up: the builder dies of out-of-memory (exit 133, measured).
  assert.is(await ensureSnapshot(1), null);
  assert.is(readySnapshot(1), null);
  const dir = path.join(os.tmpdir(), 'fxbench-snapshots');
  const left = readdirSync(dir).filter((f) => f.includes('-1mb-'));
  assert.equal(left, [], 'no blob and no half-written temporary file');
});

test('an ESM handler with top-level await runs from the snapshot, with the heap cap on its command line', async () => {
  const r = await call(rt, 'tla', { name: 'x' });
  assert.is(r.errorClass, null, r.body);
  assert.equal(JSON.parse(r.body), { greeting: 'hi', name: 'x' });
  assert.ok(r.cold);
  const pid = rt.pids('tla')[0]!;
  const argv = cmdline(pid);
  assert.ok(argv.includes('--max-heap-size=160'), argv.join(' '));
  assert.ok(argv.includes('--snapshot-blob') && argv.includes(readySnapshot(160)!), argv.join(' '));
  assert.not.ok(
    argv.some((a) => a.endsWith('bootstrap.mjs')),
    'not the plain bootstrap',
  );
  const warm = await call(rt, 'tla', { name: 'y' });
  assert.equal([warm.cold, JSON.parse(warm.body).name], [false, 'y']);
});

test('the heap cap still holds: a runaway handler is out-of-memory and its instance replaced', async () => {
  await call(rt, 'fail', {});
  const oom = await call(rt, 'fail', { fail: 'oom' });
  assert.is(oom.errorClass, 'out-of-memory', oom.body);
  const next = await call(rt, 'fail', {});
  assert.equal([next.errorClass, next.cold], [null, true]);
});

test.run();
