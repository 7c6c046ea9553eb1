/**
 * Where the `local` driver finds the local runtime: a platform in its own
 * process, never a library inside the generator. `fxbench run` starts one for
 * the whole run (shareLocalRuntime) and hands its address to every generator,
 * in-process or worker, through the environment (FXBENCH_RUNTIME_URL, and
 * FXBENCH_RUNTIME_TOKEN with which they add their functions to it); or the user
 * points the run at an already running `fxbench serve` (`--runtime URL`: no
 * token, its own bench.config.ts declares the functions). A generator that finds
 * neither (runPlan called as a library) starts one itself, shared by every
 * driver of the process and stopped with the last.
 */
import { FxError } from '../../model/errors.ts';
import { startRuntimeProcess, type RuntimeProcess } from '../../runtime/server-process.ts';

/** Environment variables carrying the run's runtime to its generators. */
export const RUNTIME_URL_ENV = 'FXBENCH_RUNTIME_URL';
export const RUNTIME_TOKEN_ENV = 'FXBENCH_RUNTIME_TOKEN';

/** The runtime a driver talks to. */
export interface RuntimeLink {
  url: string;
  /** Registration token: set when fxbench started this runtime (functions are added to it); unset for `fxbench serve`. */
  token?: string;
  /** Gives the link back (stops the runtime this process started once no driver uses it). */
  release(): Promise<void>;
}

let own: { started: Promise<RuntimeProcess>; users: number } | null = null;
const running = new Set<RuntimeProcess>();

/** Stops every runtime process this process started, synchronously (exit handlers, second Ctrl-C). */
export function stopOwnRuntimesSync(): void {
  for (const p of running) p.stopSync();
}

/** PIDs of the runtime processes this process started (tests). */
export function ownRuntimePids(): number[] {
  return [...running].map((p) => p.pid);
}

async function startOwn(): Promise<RuntimeProcess> {
  const p = await startRuntimeProcess();
  running.add(p);
  return p;
}

async function stopOwn(p: RuntimeProcess): Promise<void> {
  await p.stop();
  running.delete(p);
}

/** The runtime for one driver: the run's (environment), else one this process starts and shares. */
export async function linkRuntime(): Promise<RuntimeLink> {
  const url = process.env[RUNTIME_URL_ENV];
  if (url) return { url, token: process.env[RUNTIME_TOKEN_ENV] || undefined, release: async () => undefined };
  if (!own) own = { started: startOwn(), users: 0 };
  const mine = own;
  mine.users++;
  let p: RuntimeProcess;
  try {
    p = await mine.started;
  } catch (err) {
    if (own === mine) own = null;
    throw FxError.runFailed(`cannot start the local runtime: ${(err as Error).message}`, err);
  }
  let released = false;
  return {
    url: p.url,
    token: p.token,
    release: async () => {
      if (released) return;
      released = true;
      if (--mine.users > 0) return;
      if (own === mine) own = null;
      await stopOwn(p);
    },
  };
}

/**
 * For `fxbench run`: the runtime every generator of the run shares. With `url`
 * (`--runtime`), checks that a runtime answers there (GET /healthz) before any
 * load; else starts one when a target needs it. Sets the environment its
 * generators (and worker processes, which inherit it) read; resolves to a
 * function that stops what was started and restores the environment.
 */
export async function shareLocalRuntime(o: { needed: boolean; url?: string }): Promise<() => Promise<void>> {
  const before = { url: process.env[RUNTIME_URL_ENV], token: process.env[RUNTIME_TOKEN_ENV] };
  const restore = () => {
    for (const [k, v] of [
      [RUNTIME_URL_ENV, before.url],
      [RUNTIME_TOKEN_ENV, before.token],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  if (o.url !== undefined) {
    const url = await checkRuntimeUrl(o.url);
    process.env[RUNTIME_URL_ENV] = url;
    delete process.env[RUNTIME_TOKEN_ENV];
    return async () => restore();
  }
  if (!o.needed || before.url) return async () => undefined;
  let p: RuntimeProcess;
  try {
    p = await startOwn();
  } catch (err) {
    throw FxError.runFailed(`cannot start the local runtime: ${(err as Error).message}`, err);
  }
  process.env[RUNTIME_URL_ENV] = p.url;
  process.env[RUNTIME_TOKEN_ENV] = p.token;
  return async () => {
    restore();
    await stopOwn(p);
  };
}

/** `--runtime URL`: an http(s) URL where a runtime answers GET /healthz; the URL without a trailing slash. */
export async function checkRuntimeUrl(raw: string): Promise<string> {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw FxError.invalid([
      { field: '--runtime', message: `expected a URL such as http://127.0.0.1:8080, got ${JSON.stringify(raw)}` },
    ]);
  }
  if (u.protocol !== 'http:' || u.username || u.password || (u.pathname !== '/' && u.pathname !== ''))
    throw FxError.invalid([
      {
        field: '--runtime',
        message: `expected http://host:port of a running \`fxbench serve\`, got ${JSON.stringify(raw)}`,
      },
    ]);
  const url = `${u.protocol}//${u.host}`;
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET /healthz answered ${res.status}`);
  } catch (err) {
    throw FxError.invalid([
      {
        field: '--runtime',
        message: `no runtime answers at ${url} (${(err as Error).message}); start one with \`fxbench serve\``,
      },
    ]);
  }
  return url;
}
