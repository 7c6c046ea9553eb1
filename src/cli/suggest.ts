/**
 * Messages for a command line yargs refused: an unknown command or option with a
 * near match gets "did you mean", a missing positional gets the command's own
 * hint (`run` lists the scenarios it finds). Loaded only when parsing failed.
 * yargs' recommendCommands finds the command; for options yargs has nothing, and
 * its edit distance is not exported, so `distance` below is the textbook one (a
 * runtime dependency for one error message would cost more than these lines).
 */

/** What the failed parse was about. */
export interface ParseContext {
  /** The command line, without node and script. */
  argv: string[];
  /** Every command's name. */
  commands: string[];
  /** The command named on the line, when it is one. */
  command?: string;
  /** Long option names (and aliases) the command knows. */
  options: string[];
  /** The command's hint for missing positionals. */
  missingArguments?: () => string;
}

/** The closest of `candidates` to `word`, when it is close enough to be a typo (≤ 1 edit, ≤ 2 from 5 letters). */
export function nearest(word: string, candidates: string[]): string | undefined {
  const most = word.length >= 5 ? 2 : 1;
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    const d = distance(word.toLowerCase(), name.toLowerCase());
    if (d <= most && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/** yargs' failure message, explained. */
export function explainParseFailure(msg: string, ctx: ParseContext): string {
  const recommended = /^Did you mean (\S+)\?$/.exec(msg);
  const word = ctx.argv.find((a) => !a.startsWith('-'));
  // yargs recommends a command up to 3 edits away ("xyz" → "run"); only a likely typo is offered.
  if (recommended && word && nearest(word, ctx.commands))
    return `unknown command ${JSON.stringify(word)}; did you mean "fxbench ${nearest(word, ctx.commands)}"?`;
  if (recommended) return `unknown command ${JSON.stringify(word)}; the commands are ${ctx.commands.join(', ')}`;
  if (/^Not enough non-option arguments/.test(msg) && ctx.missingArguments) return ctx.missingArguments();
  const unknown = /^Unknown arguments?: (.+)$/.exec(msg);
  if (!unknown) return msg;
  // yargs may name an option camelCased (--max-regresion → maxRegresion): back to the form typed, once each.
  const names = [...new Set(unknown[1]!.split(', ').map(kebab))];
  if (!ctx.command && word && names[0] === word)
    return `unknown command ${JSON.stringify(word)}; the commands are ${ctx.commands.join(', ')}`;
  return names
    .map((name) => {
      // yargs names an unknown option without its dashes; the line says which it was.
      const flag = ctx.argv.find((a) => a.replace(/^-+/, '').split('=')[0] === name && a.startsWith('-'));
      if (!flag) return `unexpected argument ${JSON.stringify(name)}`;
      const longNames = ctx.options.filter((o) => o.length > 1 && o === kebab(o));
      const near = name.length >= 3 ? nearest(name, longNames) : undefined;
      return `unknown option ${flag.split('=')[0]}${near ? `; did you mean --${near}?` : ''}`;
    })
    .join('\n');
}

/** maxRegression → max-regression */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Edit distance with adjacent transpositions counted as one edit (optimal string alignment). */
export function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}
