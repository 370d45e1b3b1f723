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
 * was asked): one it does not take exits 2 with why and `usage`; `help`, among every command's `options`,
 * prints `usage` and exits 0.
 */
export function readFlags<O extends NonNullable<ParseArgsConfig['options']>>(options: O, usage: string) {
  const { values } = orExit(() => parseArgs({ options }), (err) => `${(err as Error).message}\n\n${usage}`);
  if ((values as { help?: boolean }).help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}
