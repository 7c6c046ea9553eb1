/**
 * `fxbench --help` without loading yargs: loading yargs (and the terminal-width
 * tables under its help) costs more CPU than the rest of a start. This prints the
 * same text yargs prints for the top-level help, laid out as yargs lays it out
 * (cliui columns), for terminals at least MIN_FAST_WIDTH wide; narrower ones, and
 * every other help, go through yargs. test/cli/commands.test.ts checks that both
 * texts are equal at several widths.
 */
import { COMMANDS } from './commands.ts';
import { EPILOGUE } from './epilogue.ts';

/** yargs' wrap width for fxbench's help (a terminal's columns, 100 when piped, at most 110). */
export function helpWidth(): number {
  return Math.min(110, process.stdout.columns || 100);
}

/** Below this width yargs squeezes the command column; the fast path leaves that to yargs. */
export const MIN_FAST_WIDTH = 80;

/** Global options shown in the top-level help: [switch, description, type]. */
const OPTIONS: [string, string, string][] = [
  ['--version', 'Show version number', '[boolean]'],
  ['-h, --help', 'Show help', '[boolean]'],
];

/** Greedy word wrap to `width` columns (as wrap-ansi does for plain text). */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ').filter(Boolean)) {
      if (!line) line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out;
}

/** The top-level help text, as yargs prints it at `width` columns (width ≥ MIN_FAST_WIDTH). */
export function topLevelHelp(width: number): string {
  const lines = ['fxbench <command> [options]', '', 'Commands:'];
  const usages = COMMANDS.map((c) => `fxbench ${c.command}`);
  const left = Math.min(Math.max(...usages.map((u) => u.length)), Math.floor(width * 0.5)) + 4;
  COMMANDS.forEach((c, i) => {
    wrap(c.describe, width - left).forEach((d, j) =>
      lines.push(`${j === 0 ? `  ${usages[i]!.padEnd(left - 4)}  ` : ' '.repeat(left)}${d}`.trimEnd()),
    );
  });
  lines.push('', 'Options:');
  // Long-only switches are indented to line up with the ones that have a short alias.
  const indent = (s: string) => (s.startsWith('--') ? 4 : 0);
  const keyWidth = Math.max(...OPTIONS.map(([s]) => s.length + indent(s))) + 4;
  for (const [s, describe, type] of OPTIONS) {
    // The type is a right-aligned row of its own that yargs draws onto the option's line.
    const key = `${' '.repeat(2 + indent(s))}${s.padEnd(keyWidth - 4 - indent(s))}  `;
    lines.push(`${`${key}${describe}`.padEnd(width - type.length)}${type}`);
  }
  lines.push('', ...wrap(EPILOGUE, width));
  return lines.join('\n');
}
