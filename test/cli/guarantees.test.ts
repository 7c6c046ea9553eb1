// The claims of the README's "What fxbench guarantees" that no other test file
// checks through the CLI: a target that fails is a run failure (exit 3) with the
// result written; secrets given to an http target (headers, URL credentials and
// query) reach no output; fxbench and everything it starts listen on 127.0.0.1
// only.
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Result } from '../../src/model/result.ts';
import { alive, descendants, finished, runCli, scratch, startCli, waitFor } from '../helpers/cli.ts';
import { startServer, type TestServer } from '../helpers/servers.ts';

const test = suite('guarantees');
const tmp = scratch('fxbench-guarantees-');
let server: TestServer | undefined;
const pids: number[] = [];
test.before(async () => {
  server = await startServer('trivial');
});
test.after(() => {
  server?.stop();
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  tmp.cleanup();
});

const write = (name: string, text: string) => {
  const file = path.join(tmp.dir, name);
  writeFileSync(file, text);
  return file;
};
/** Every file under `dir`, read as text. */
const texts = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? texts(path.join(dir, e.name)) : [readFileSync(path.join(dir, e.name), 'latin1')],
  );

test('a target that cannot be prepared: exit 3, the result written with its error, the other target run', async () => {
  const file = write(
    'unreachable.ts',
    `export default {
  name: 'unreachable',
  targets: [
    { name: 'gone', provider: 'openfaas', function: 'f', gateway: 'http://127.0.0.1:9' },
    { name: 'srv', provider: 'http', url: ${JSON.stringify(server!.url)} },
  ],
  phases: [{ kind: 'burst', concurrency: 2 }],
};
`,
  );
  const out = path.join(tmp.dir, 'unreachable');
  const r = await runCli(['run', file, '--out', out, '-q', '--no-history']);
  assert.is(r.code, 3, r.stderr);
  const result = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as Result;
  assert.match(result.targets[0]!.error ?? '', /target gone: cannot reach gateway http:\/\/127\.0\.0\.1:9/);
  assert.is(result.targets[1]!.summary!.requests, 2);
});

test('secrets of an http target (headers, URL user:password and query) reach no output', async () => {
  const u = new URL(server!.url);
  const url = `http://fxuser:pw-3f9a1c@${u.host}/fn?key=q-7d2e8b`;
  const file = write(
    'secrets.ts',
    `export default {
  name: 'secrets',
  targets: [{ name: 'srv', provider: 'http', url: ${JSON.stringify(url)}, headers: { authorization: 'Bearer tok-5b1e0a' } }],
  phases: [{ kind: 'burst', concurrency: 3 }],
};
`,
  );
  const out = path.join(tmp.dir, 'secrets');
  const samples = path.join(out, 'samples.ndjson');
  const junit = path.join(out, 'junit.xml');
  const r = await runCli(['run', file, '--out', out, '--samples', samples, '--junit', junit, '--no-history']);
  assert.is(r.code, 0, r.stderr);
  const all = [r.stdout, r.stderr, ...texts(out)];
  assert.ok(all.length >= 8, `${all.length} outputs read`);
  for (const secret of ['pw-3f9a1c', 'q-7d2e8b', 'tok-5b1e0a', 'fxuser'])
    assert.ok(!all.some((t) => t.includes(secret)), `${secret} in an output`);
});

/** Local addresses of the TCP sockets in LISTEN state held by `pids`. */
function listening(pidList: number[]): string[] {
  const inodes = new Set<string>();
  for (const pid of pidList) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // exited meanwhile
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        /* closed meanwhile */
      }
    }
  }
  const out: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A' || !inodes.has(f[9]!)) continue; // 0A: LISTEN
      out.push(`${table.endsWith('6') ? 'tcp6' : 'tcp'} ${f[1]}`);
    }
  }
  return out;
}

test('fxbench and the instances it starts listen on 127.0.0.1 only', async () => {
  const child = startCli(['run', 'test/fixtures/scenarios/long-burst.ts', '--out', path.join(tmp.dir, 'net'), '-q']);
  pids.push(child.pid!);
  // The runtime is a process of its own (issue 20): its children (tsx's esbuild, the reaper) can
  // exist before it listens, so wait for its socket too, not only for a count of processes.
  const tree = () => [child.pid!, ...descendants(child.pid!)];
  await waitFor(() => tree().length >= 5 && listening(tree()).length >= 1, 60_000, 'the runtime and its instances');
  const sockets = listening(tree());
  child.kill('SIGINT');
  await finished(child, 30_000);
  assert.ok(sockets.length >= 1, 'the local runtime listens');
  // 0100007F: 127.0.0.1 in /proc/net/tcp's little-endian hex.
  for (const s of sockets) assert.match(s, /^tcp 0100007F:/, `listening on ${s}`);
});

test.run();
