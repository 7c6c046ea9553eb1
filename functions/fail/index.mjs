// Fails on demand, for error classification:
//   {"fail": "throw"}  → the handler throws (function-error)
//   {"fail": "exit"}   → the process exits mid-invocation (function-error, instance replaced)
//   {"fail": "hang"}   → never answers (timeout)
//   {"fail": "oom"}    → allocates until the memory cap kills it (out-of-memory)
//   anything else      → succeeds
export const handler = async (event) => {
  switch (event?.fail) {
    case 'throw':
      throw new Error('failed on demand');
    case 'exit':
      process.exit(3);
    case 'hang':
      // A pending timer keeps the event loop alive, as a stuck call would; a bare
      // never-settling promise would let Node exit instead.
      return new Promise(() => setInterval(() => {}, 60_000));
    case 'oom': {
      const hoard = [];
      for (;;) hoard.push(new Array(1e6).fill(Math.random()));
    }
    default:
      return { ok: true };
  }
};
