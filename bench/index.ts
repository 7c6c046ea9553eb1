/**
 * `npm run bench`: every benchmark in bench/, one after another, each printing
 * its own table of figures and ratios. Exits 1 when any goal is missed (the
 * figures are still printed). Add a benchmark: one file exporting an async
 * function that returns whether its goals were met, and one line below.
 */
import { benchRuntime } from './runtime.ts';
import { benchLoad } from './load.ts';
import { benchLoadMemory } from './load-memory.ts';
import { benchStartup } from './startup.ts';

const benches: Array<[string, () => Promise<boolean>]> = [
  ['runtime', () => benchRuntime()],
  ['load', () => benchLoad()],
  ['load-memory', () => benchLoadMemory()],
  ['startup', () => benchStartup()],
];

let ok = true;
for (const [name, run] of benches) {
  try {
    ok = (await run()) && ok;
  } catch (err) {
    ok = false;
    process.stderr.write(`bench ${name} failed: ${(err as Error).stack ?? String(err)}\n`);
  }
}
process.exitCode = ok ? 0 : 1;
