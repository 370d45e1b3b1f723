// How the command-line entry points (npm start, npm run rebuild, npm run simulate) give up: a line or two
// saying why and what to do, an exit code, no stack trace. Library modules only describe failures.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export function exit(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

/** `work()`; or, when it throws for a reason `explain` knows (a message; null for a bug), that reason and exit `code`. */
export function orExit<T>(work: () => T, explain: (err: unknown) => string | null, code = 2): T {
  try {
    return work();
  } catch (err) {
    const why = explain(err);
    if (why === null) throw err;
    return exit(why, code);
  }
}

/**
 * A command's flags, read strictly (a misspelt --dmeo or a --demo=false must not run something other than what
 * was asked): one it does not take, or one given twice, exits 2 with why and `usage`; `help`, among every
 * command's `options`, prints `usage` and exits 0.
 */
export function readFlags<O extends NonNullable<ParseArgsConfig['options']>>(options: O, usage: string) {
  const { values, tokens } = orExit(() => parseArgs({ options, tokens: true }), (err) => `${(err as Error).message}\n\n${usage}`);
  // parseArgs keeps the last of a repeated flag without a word: `--to a.sqlite --to b.sqlite` wrote b alone, and
  // `--from` twice restored the second backup named.
  const seen = new Set<string>();
  for (const token of tokens)
    if (token.kind === 'option' && token.name !== 'help') {
      if (seen.has(token.name)) exit(`--${token.name} is given more than once: give it once.\n\n${usage}`);
      seen.add(token.name);
    }
  if ((values as { help?: boolean }).help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}
