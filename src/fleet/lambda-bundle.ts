/**
 * Bundles for the Lambda fleet (issue 14): the worker (fxbench itself as one
 * ES module, `index.mjs`, with every dependency inlined, hdr-histogram-js's
 * WebAssembly too, as that package ships it inside its JavaScript) and its zip;
 * and the user's scenario and bench.config.ts, each as one module with its
 * imports, sent to every worker with its share.
 *
 * esbuild comes with tsx (a dependency): found beside fxbench, else from tsx's
 * own folder, so this works from an installed package as from the clone. The
 * worker's entry is lambda-handler.ts in the clone, dist/fleet/lambda-handler.js
 * once built (scripts/build.mjs compiles src/ to dist/, and package.json ships dist/).
 */
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';
import type { Plugin } from 'esbuild';
import { FxError } from '../model/errors.ts';
import { VERSION } from '../version.ts';
import { FLEET_API_KEY } from './lambda-protocol.ts';

type Esbuild = typeof import('esbuild');

/** The extension of fxbench's own modules where this runs: `.ts` in the clone, `.js` when built. */
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** The worker's Lambda handler module (`export const handler`). */
export const HANDLER_ENTRY = fileURLToPath(new URL(`./lambda-handler${EXT}`, import.meta.url));
/** What replaces scenarios/user-module (tsx) in the worker: a plain `import()` of the bundled scenario. */
const PLAIN_IMPORT = fileURLToPath(new URL(`./lambda-user-module${EXT}`, import.meta.url));
/** fxbench's own user-module and version files, the two the worker bundle replaces. */
const USER_MODULE = fileURLToPath(new URL(`../scenarios/user-module${EXT}`, import.meta.url));
const VERSION_FILE = fileURLToPath(new URL(`../version${EXT}`, import.meta.url));

/** The handler string Lambda is configured with for the worker bundle. */
export const WORKER_HANDLER = 'index.handler';

let esbuild: Promise<Esbuild> | undefined;

/** Loads esbuild: beside fxbench, else through tsx, which depends on it. */
export function loadEsbuild(): Promise<Esbuild> {
  esbuild ??= import('esbuild').catch(async () => {
    const tsx = createRequire(import.meta.url).resolve('tsx/package.json');
    const file = createRequire(tsx).resolve('esbuild');
    return (await import(pathToFileURL(file).href)) as Esbuild;
  });
  return esbuild;
}

/** What the worker bundle is. */
export interface WorkerBundle {
  /** Absolute path of `index.mjs`. */
  file: string;
  bytes: number;
}

/**
 * Builds the worker into `outDir/index.mjs` (one ES module for Node 20 and later).
 * Native and optional packages the worker never loads (the history store's
 * better-sqlite3, the browser used by report tests) stay out.
 */
export async function buildWorkerBundle(outDir: string): Promise<WorkerBundle> {
  const { build } = await loadEsbuild();
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'index.mjs');
  const swap: Plugin = {
    name: 'fxbench-plain-import',
    setup(b) {
      // The scenario arrives bundled as plain JavaScript: no tsx (and no esbuild binary) in the worker.
      b.onResolve({ filter: /[\\/]user-module\.(ts|js)$/ }, (args) =>
        path.resolve(args.resolveDir, args.path) === USER_MODULE ? { path: PLAIN_IMPORT } : undefined,
      );
      // version.ts reads ../package.json beside itself, which is not in the Lambda package: inline it.
      b.onLoad({ filter: /[\\/]version\.(ts|js)$/ }, (args) =>
        args.path === VERSION_FILE
          ? { contents: `export const VERSION = ${JSON.stringify(VERSION)};`, loader: 'js' }
          : undefined,
      );
    },
  };
  try {
    const out = await build({
      entryPoints: [HANDLER_ENTRY],
      outfile: file,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      legalComments: 'none',
      external: ['better-sqlite3', 'playwright-core', 'tsx', 'esbuild', 'fsevents'],
      // CommonJS dependencies (undici, hdr-histogram-js…) call require: give the ES module one.
      banner: {
        js: "import { createRequire as __fxCreateRequire } from 'node:module'; const require = __fxCreateRequire(import.meta.url);",
      },
      plugins: [swap],
      metafile: true,
    });
    const bytes = Object.values(out.metafile!.outputs).reduce((a, o) => a + o.bytes, 0);
    return { file, bytes };
  } catch (err) {
    throw FxError.runFailed(`cannot bundle the fleet worker from ${HANDLER_ENTRY}: ${(err as Error).message}`, err);
  }
}

/**
 * Bundles a user's module (scenario or config) with everything it imports into
 * one ES module, as text. `import … from 'fxbench'` is bound to the worker's own
 * fxbench (a global the handler sets), not bundled a second time.
 */
export async function bundleUserModule(file: string, shown: string): Promise<string> {
  const { build } = await loadEsbuild();
  const api: Plugin = {
    name: 'fxbench-api',
    setup(b) {
      b.onResolve({ filter: /^fxbench$/ }, () => ({ path: 'fxbench', namespace: 'fxbench-api' }));
      b.onLoad({ filter: /.*/, namespace: 'fxbench-api' }, () => ({
        contents: `module.exports = globalThis[Symbol.for(${JSON.stringify(FLEET_API_KEY)})];`,
        loader: 'js',
      }));
    },
  };
  try {
    const out = await build({
      entryPoints: [file],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      plugins: [api],
    });
    return out.outputFiles[0]!.text;
  } catch (err) {
    throw FxError.invalid([
      { file: shown, message: `cannot bundle it for the fleet: ${(err as Error).message.split('\n')[0]}` },
    ]);
  }
}

/** One file of a zip archive. */
export interface ZipEntry {
  name: string;
  data: Buffer;
}

/**
 * A zip archive (deflate; PKWARE APPNOTE 6.3: local headers, central directory,
 * end record), enough for a Lambda deployment package. Files get mode 0644.
 */
export function zip(entries: ZipEntry[], mtime = new Date()): Buffer {
  const dosTime = (mtime.getHours() << 11) | (mtime.getMinutes() << 5) | Math.floor(mtime.getSeconds() / 2);
  const dosDate = ((mtime.getFullYear() - 1980) << 9) | ((mtime.getMonth() + 1) << 5) | mtime.getDate();
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = deflateRawSync(e.data, { level: 9 });
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt16LE(dosTime, 12);
    dir.writeUInt16LE(dosDate, 14);
    dir.writeUInt32LE(crc, 16);
    dir.writeUInt32LE(body.length, 20);
    dir.writeUInt32LE(e.data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
    dir.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    central.push(dir, name);
    offset += local.length + name.length + body.length;
  }
  const dirBytes = central.reduce((a, b) => a + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirBytes, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...central, end]);
}

/** Writes `bytes` to `file`, making its folder. */
export function writeFileMkdir(file: string, bytes: Buffer | string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}
