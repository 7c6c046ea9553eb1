/**
 * Counts the bytes Buffer.concat produces while `f` runs: how much a reader
 * copies to join what it received (a measure of work, not of time). Tests of
 * the runtime's readers use it to tell one join of a large body from a join per
 * socket read.
 */
export async function concatBytes(f: () => Promise<void> | void): Promise<number> {
  const concat = Buffer.concat;
  let copied = 0;
  Buffer.concat = ((list: readonly Uint8Array[], total?: number) => {
    const out = concat(list, total);
    copied += out.length;
    return out;
  }) as typeof Buffer.concat;
  try {
    await f();
  } finally {
    Buffer.concat = concat;
  }
  return copied;
}
