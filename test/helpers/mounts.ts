/**
 * Small tmpfs mounts for the write-failure tests: a full disk (a tmpfs of a few
 * KB) and a read-only folder (root writes anywhere else, whatever the mode
 * bits say). Mounting needs root and a kernel that allows it; `mountTmpfs`
 * says whether it worked, so a test can skip with a note instead of failing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

/** Mounts a tmpfs of `size` (e.g. '64k') at `dir` (created); false when mounting is not possible here. */
export function mountTmpfs(dir: string, size: string, opts: { readonly?: boolean } = {}): boolean {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${opts.readonly ? ',ro' : ''}`, 'tmpfs', dir], {
    stdio: 'ignore',
  });
  return r.status === 0;
}

/** Unmounts `dir` (lazily, so a file still open elsewhere cannot keep it). */
export function unmount(dir: string): void {
  spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
}
