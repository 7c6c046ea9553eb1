/**
 * Starts the local runtime as its own process (server-main.ts): the platform
 * every generator of a run invokes over the Lambda Invoke API, as it would a
 * cloud provider. Tied to the process that started it: its stdin is a pipe from
 * here (end of input: it stops every instance and exits), it runs under
 * `setpriv --pdeathsig SIGKILL` (the kernel kills it should this process die
 * without a word), and its own reaper ends its instances' trees whatever ends it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Esbuild from 'esbuild';
import { underParentDeath } from './process-tree.ts';

// Built (dist/), the runtime is plain Node; from the sources (a clone) it needs tsx's hooks too.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const ENTRY = fileURLToPath(new URL(FROM_SOURCE ? './server-main.ts' : './server-main.js', import.meta.url));
// tsx by its resolved URL: the runtime may be started from any folder (a bare 'tsx' resolves from the cwd).
const EXEC_ARGV = FROM_SOURCE ? ['--import', import.meta.resolve('tsx')] : [];
/** How long the runtime may take to listen, ms. */
const START_TIMEOUT_MS = 30_000;
/** How long stop() waits for it to end its instances and exit before killing it, ms. */
const STOP_WAIT_MS = 10_000;

/** A runtime process started by startRuntimeProcess. */
export interface RuntimeProcess {
  /** Base URL (http://127.0.0.1:port). */
  url: string;
  /** PID of the runtime process. */
  pid: number;
  /** The registration token its generators send (x-fxbench-token). */
  token: string;
  /** Stops it (every instance with it); resolves once it has exited. */
  stop(): Promise<void>;
  /** Asks it to stop now, synchronously (process 'exit' handlers); it ends its instances itself. */
  stopSync(): void;
}

/**
 * From the sources, the runtime's modules bundled into one plain JavaScript file
 * (esbuild, which tsx brings), so the runtime process runs without tsx's hooks:
 * its heap stays that of plain Node, and every instance it forks copies less
 * (bench/runtime.ts: CPU per cold start in the runtime process). Each bundled
 * module keeps its own import.meta.url. Null when esbuild cannot be loaded or
 * the build fails: then tsx's hooks, as before (FXBENCH_RUNTIME_TSX=1 asks for them).
 */
async function bundleEntry(): Promise<{ file: string; dir: string } | null> {
  let esbuild: typeof Esbuild;
  try {
    esbuild = createRequire(createRequire(import.meta.url).resolve('tsx'))('esbuild') as typeof Esbuild;
  } catch {
    return null;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fxbench-runtime-'));
  const file = path.join(dir, 'server-main.mjs');
  try {
    await esbuild.build({
      entryPoints: [ENTRY],
      outfile: file,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      // Each module keeps its own URL (siblings such as bootstrap.mjs, package.json are found from it).
      plugins: [
        {
          name: 'own-import-meta-url',
          setup(b) {
            b.onLoad({ filter: /\.[cm]?ts$/ }, (args) => ({
              contents: readFileSync(args.path, 'utf8').replaceAll(
                'import.meta.url',
                JSON.stringify(pathToFileURL(args.path).href),
              ),
              loader: 'ts',
            }));
          },
        },
      ],
      logLevel: 'silent',
    });
    return { file, dir };
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

/** Starts a runtime process; resolves once it listens. */
export async function startRuntimeProcess(): Promise<RuntimeProcess> {
  const token = randomBytes(18).toString('base64url');
  const bundle = FROM_SOURCE && process.env.FXBENCH_RUNTIME_TSX !== '1' ? await bundleEntry() : null;
  // Loaded once started: the bundle's folder goes as soon as the runtime listens (or fails to).
  const dropBundle = () => bundle && rmSync(bundle.dir, { recursive: true, force: true });
  const { cmd, args } = underParentDeath(process.execPath, bundle ? [bundle.file] : [...EXEC_ARGV, ENTRY]);
  const child = spawn(cmd, args, {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, FXBENCH_RUNTIME_TOKEN: token },
  });
  return new Promise<RuntimeProcess>((resolve, reject) => {
    let out = '';
    let dropped = false;
    const drop = () => {
      if (!dropped) dropBundle();
      dropped = true;
    };
    const timer = setTimeout(
      () => fail(new Error(`the runtime did not listen within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    const fail = (err: Error) => {
      clearTimeout(timer);
      drop();
      child.kill('SIGKILL');
      reject(err);
    };
    child.on('error', fail);
    child.once('exit', (code, sig) => fail(new Error(`the runtime process exited (${sig ?? code}) before listening`)));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      drop();
      child.removeAllListeners('exit');
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      const { url } = JSON.parse(out.slice(0, nl)) as { url: string };
      resolve(handle(child, url, token));
    });
  });
}

function handle(child: ChildProcess, url: string, token: string): RuntimeProcess {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  // The pipe and the process must not keep the generator alive on their own.
  child.unref();
  (child.stdout as unknown as { unref?(): void }).unref?.();
  (child.stdin as unknown as { unref?(): void }).unref?.();
  child.stdin!.on('error', () => undefined);
  return {
    url,
    pid: child.pid ?? 0,
    token,
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_WAIT_MS);
      await exited;
      clearTimeout(timer);
    },
    stopSync() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
