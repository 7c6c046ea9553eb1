/**
 * Helpers for the packaging tests: build and pack fxbench as `npm publish`
 * would, run npm and the installed CLI as a user would (real processes, each in
 * its own process group, killed by PID when its time is up), and a 127.0.0.1
 * HTTP server that counts what it answered. Every process a test starts, it stops.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as assert from 'uvu/assert';
import { ROOT } from './cli.ts';

/** Output of a finished command. */
export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** PATH with the running Node first, so npm, npx and `#!/usr/bin/env node` use the Node under test. */
export function pathWithThisNode(...first: string[]): string {
  return [...first, path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter);
}

/** Runs `command args` in `cwd` to completion; the whole process group is SIGKILLed after `timeoutMs`. */
export function run(
  command: string,
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; timeoutMs: number },
): Promise<Ran> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const env = { ...process.env, PATH: pathWithThisNode(), npm_config_update_notifier: 'false', ...opts.env };
    const child = spawn(command, args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, opts.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/** Asserts a command exited 0, showing its output when it did not. */
export function ok(r: Ran, what: string): Ran {
  assert.is(
    r.code,
    0,
    `${what}: exit ${r.code ?? r.signal} after ${(r.ms / 1000).toFixed(1)} s\n${r.stdout}\n${r.stderr}`,
  );
  return r;
}

/**
 * Builds dist/ (as `npm pack` does through prepack) and packs the tarball into `dest`; resolves to its path.
 * Under a lock: scripts/test.mjs runs test files side by side, and a build in one
 * swaps dist/ (and deletes the old one) under the other's `npm pack`.
 */
export async function packFxbench(dest: string): Promise<{ tarball: string; size: number; files: number }> {
  const release = await lock(PACK_LOCK, 600_000);
  try {
    // scripts/test.mjs built dist/ from these sources as the run began, and the files beside this one
    // run it: building again would swap it under them.
    if (process.env.FXBENCH_DIST_FRESH !== '1')
      ok(
        await run(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, timeoutMs: 240_000 }),
        'build',
      );
    // The build ran before; --ignore-scripts keeps npm's JSON free of its output.
    const r = ok(
      await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], {
        cwd: ROOT,
        timeoutMs: 120_000,
      }),
      'npm pack',
    );
    const [info] = JSON.parse(r.stdout) as { filename: string; size: number; files: unknown[] }[];
    return { tarball: path.join(dest, info!.filename), size: info!.size, files: info!.files.length };
  } finally {
    release();
  }
}

/** The lock packFxbench takes, one per clone. */
const PACK_LOCK = path.join(
  os.tmpdir(),
  `fxbench-pack-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`,
);

/**
 * Takes the lock file `file` (created exclusively, holding this PID), waiting up
 * to `timeoutMs` for another process to release it; a lock whose PID is gone is
 * stale and taken over. Resolves to its release.
 */
async function lock(file: string, timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: number;
    try {
      holder = Number(readFileSync(file, 'utf8').trim() || Number.NaN);
    } catch {
      continue; // released meanwhile
    }
    let gone = false;
    try {
      process.kill(holder, 0);
    } catch (err) {
      gone = (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
    // An empty file is a lock being written this instant: not stale.
    if (gone) rmSync(file, { force: true });
    else if (Date.now() > deadline) throw new Error(`${file}: held by PID ${holder} for over ${timeoutMs / 1000} s`);
    else await new Promise((r) => setTimeout(r, 250));
  }
}

/** Whether the running Node has node:sqlite unflagged (then fxbench never needs better-sqlite3). */
export function hasNodeSqlite(): boolean {
  try {
    return Boolean(process.getBuiltinModule?.('node:sqlite'));
  } catch {
    return false;
  }
}

/**
 * npm environment under which `npm i` of fxbench installs better-sqlite3 from a
 * prebuilt binary, as a user's install does (prebuild-install downloads one from
 * GitHub for Node 20 on linux-x64; GitHub cannot be reached here, and without it
 * the install compiles SQLite, ≈ 95 s on 2 cores). The binary is the one `npm ci`
 * built in this clone for this Node (so the build from source is still done, by
 * npm ci), packed as prebuild-install's own tarball under `dir` and named by
 * `npm_config_better_sqlite3_local_prebuilds`, where prebuild-install looks
 * before the network; it then loads the binary to check it. Empty (the install
 * builds from source) when the clone has no binary this Node can load.
 */
export async function localPrebuildEnv(dir: string): Promise<Record<string, string>> {
  const pkgDir = path.join(ROOT, 'node_modules/better-sqlite3');
  const binary = path.join(pkgDir, 'build/Release/better_sqlite3.node');
  try {
    process.dlopen({ exports: {} } as NodeJS.Module, binary);
  } catch {
    return {}; // not built, or built for another Node
  }
  const { version } = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  mkdirSync(dir, { recursive: true });
  ok(
    await run('tar', ['czf', path.join(dir, name), 'build/Release/better_sqlite3.node'], {
      cwd: pkgDir,
      timeoutMs: 60_000,
    }),
    'tar of the prebuilt better-sqlite3',
  );
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}

/** A 127.0.0.1 HTTP server answering 200 "ok" and counting requests. */
export async function countingServer(): Promise<{ url: string; count(): number; close(): Promise<void> }> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    n++;
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    count: () => n,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Writes, under `dir`, a scenario importing 'fxbench' with an inline http target
 * (`url`) and an inline local function (`fn/index.mjs` beside it): a burst of 5,
 * twice, against each, so each target sends exactly 10 invocations.
 */
export function writeScenario(dir: string, name: string, url: string): string {
  mkdirSync(path.join(dir, 'fn'), { recursive: true });
  writeFileSync(
    path.join(dir, 'fn/index.mjs'),
    "export const handler = async (event) => ({ hello: event?.name ?? 'world' });\n",
  );
  const file = path.join(dir, `${name}.ts`);
  writeFileSync(
    file,
    `import { burst, defineScenario } from 'fxbench';

const rounds: number = 2;
export default defineScenario({
  name: ${JSON.stringify(name)},
  functions: { hello: { kind: 'node', code: 'fn', handler: 'index.handler', memoryMB: 128 } },
  targets: [
    { name: 'web', provider: 'http', url: ${JSON.stringify(url)} },
    { name: 'local', provider: 'local', function: 'hello' },
  ],
  phases: [burst({ concurrency: 5, rounds, gap: '200ms' })],
  payload: { name: 'fxbench' },
});
`,
  );
  return file;
}

/** Checks a run of writeScenario's scenario: results.json counts, and index.html whole. */
export function checkReport(outDir: string): void {
  const result = JSON.parse(readFileSync(path.join(outDir, 'results.json'), 'utf8')) as {
    targets: { name: string; phases: { requests: number; ok: number; coldStarts: number }[] }[];
  };
  assert.equal(
    result.targets.map((t) => t.name),
    ['web', 'local'],
  );
  for (const t of result.targets) {
    assert.equal(
      t.phases.map((p) => [p.requests, p.ok]),
      [
        [5, 5],
        [5, 5],
      ],
      t.name,
    );
  }
  assert.is(result.targets[1]!.phases[0]!.coldStarts, 5, 'round 1 against the local function: 5 cold starts');
  assert.is(result.targets[1]!.phases[1]!.coldStarts, 0, 'round 2 reuses them');
  const html = readFileSync(path.join(outDir, 'index.html'), 'utf8');
  assert.match(html.slice(0, 100).toLowerCase(), /^<!doctype html>/);
  assert.ok(html.trimEnd().endsWith('</html>'), 'index.html ends with </html>');
  assert.ok(html.includes('vega-lite') || html.includes('vegaLite'), 'charts inline');
}
