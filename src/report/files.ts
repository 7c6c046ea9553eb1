/**
 * Output files, safely: a bounded mkdir (Node's recursive mkdir never returns
 * under /proc, where mkdir answers ENOENT for a parent that stat says exists),
 * probes that tell before a run whether a folder or file can be written, and
 * writes through a temporary file renamed into place, so a failed write (a full
 * disk) never leaves a truncated file under the final name. OS errors become a
 * short reason naming the code ("no space left on device (ENOSPC)").
 */
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { isatty } from 'node:tty';
import { osReason } from '../model/errors.ts';

export { osReason };

/** An OS error with the file it happened on. */
export class FileError extends Error {
  constructor(
    readonly file: string,
    readonly cause: unknown,
    readonly action = 'cannot write',
  ) {
    super(`${action} ${file}: ${osReason(cause)}`);
    this.name = 'FileError';
  }
  /** The OS reason alone. */
  get reason(): string {
    return osReason(this.cause);
  }
}

/**
 * Creates `dir` and its missing parents, one level at a time, at most as many
 * levels as the path has (so it cannot loop). Returns the folders it created,
 * outermost first. Throws the OS error (a parent that is a file: ENOTDIR or
 * EEXIST; /proc: ENOENT; /sys: EPERM).
 */
export function mkdirBounded(dir: string): string[] {
  const abs = path.resolve(dir);
  const missing: string[] = [];
  for (let d = abs; ; d = path.dirname(d)) {
    let st: ReturnType<typeof statSync> | undefined;
    try {
      st = statSync(d);
    } catch (err) {
      // ENOTDIR: a parent is a file; walking up finds it and names it.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    }
    if (st) {
      if (!st.isDirectory())
        throw Object.assign(new Error(`ENOTDIR: ${d} is not a folder`), { code: 'ENOTDIR', path: d });
      break;
    }
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  const created: string[] = [];
  for (const d of missing) {
    mkdirSync(d); // not recursive: one level, an error is final
    created.push(d);
  }
  return created;
}

/** A name for a temporary file beside `file` (hidden, unique to this process and call). */
let tmpCount = 0;
function tempBeside(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++tmpCount}.tmp`);
}

/** Removes a file, ignoring errors (a temp file that was never created). */
function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}

/**
 * Checks that files can be created in `dir`, creating it (and its parents) if
 * needed: writes one byte to a temporary file there and removes it. Throws
 * FileError naming the folder. Returns the folders created.
 */
export function probeDir(dir: string): string[] {
  let created: string[];
  try {
    created = mkdirBounded(dir);
  } catch (err) {
    throw new FileError(dir, err, 'cannot create the folder');
  }
  const probe = tempBeside(path.join(dir, 'probe'));
  let fd: number | undefined;
  try {
    fd = openSync(probe, 'wx');
    writeSync(fd, '\n');
  } catch (err) {
    throw new FileError(dir, err, 'cannot write in the folder');
  } finally {
    if (fd !== undefined) closeSync(fd);
    unlinkQuiet(probe);
  }
  return created;
}

/**
 * Checks that `file` can be written without harming it. A file that exists is
 * opened for writing without truncation (a folder fails with EISDIR); one that
 * does not is created and removed again (its folder must exist: ENOENT
 * otherwise). With `truncate` (the file will be overwritten from the start
 * anyway) a regular file is opened as the writer will and one byte is written
 * and truncated away, so a full disk shows now; a non-terminal character device
 * (/dev/null, /dev/full) gets the byte too. Pipes and terminals are only opened.
 * Throws FileError.
 */
export function probeFile(file: string, opts: { truncate?: boolean } = {}): void {
  let exists = true;
  try {
    statSync(file);
  } catch {
    exists = false;
  }
  let fd: number | undefined;
  try {
    fd = openSync(file, exists ? (opts.truncate ? 'w' : 'r+') : 'wx');
    const st = fstatSync(fd);
    if (st.isDirectory())
      throw Object.assign(new Error('EISDIR: illegal operation on a directory'), { code: 'EISDIR' });
    const sink = st.isCharacterDevice() && !isatty(fd);
    if ((opts.truncate && st.isFile()) || sink) {
      writeSync(fd, '\n');
      if (st.isFile()) ftruncateSync(fd, 0);
    }
  } catch (err) {
    throw new FileError(file, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
    if (!exists) unlinkQuiet(file);
  }
}

/**
 * Writes `data` to `file` through a temporary file beside it, renamed into place
 * once complete: the final name holds the whole new content or what it held
 * before, never a truncated file. The temporary file is removed on failure.
 * A symlink to a regular file is followed (the link stays); anything else that
 * is not a regular file (/dev/stdout, a pipe) is written directly. Throws FileError.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  let target = file;
  try {
    target = realpathSync(file);
    if (!statSync(target).isFile()) {
      writeFileSync(file, data);
      return;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new FileError(file, err);
    target = file;
  }
  const tmp = tempBeside(target);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    unlinkQuiet(tmp);
    throw new FileError(file, err);
  }
}
