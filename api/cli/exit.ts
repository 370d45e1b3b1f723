// How the command-line entry points (npm start, npm run rebuild, npm run simulate) give up: a line or two
// saying why and what to do, an exit code, no stack trace. Library modules only describe failures.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** How a write fails when whatever read the output has gone: a pipe whose reader ended, a terminal closed. */
const OUTPUT_GONE: ReadonlySet<string> = new Set(['EPIPE', 'EIO', 'ERR_STREAM_DESTROYED']);

/**
 * Its output piped into a program that ended (`| head -1`, a log shipper that died) or its terminal closed (EIO): the
 * next line threw an EPIPE stack trace, exit 1, part way through the work (a backup's copy left as `.partial`, no
 * backup made; a rebuild done, but said to have failed). The work goes on to its end, its lines going nowhere;
 * `onGone` is told each time (the simulator stops, as on Ctrl-C).
 */
export function goOnWithoutOutput(onGone?: () => void): void {
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (!OUTPUT_GONE.has(err.code ?? '')) throw err;
      onGone?.();
    });
}

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
  tookByNpm(Object.keys(options));
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

/**
 * A flag written before npm's `--` (npm start --demo) is taken by npm as a setting of its own and never reaches the
 * command, which ran without it, npm saying only "Unknown cli config". npm hands such a setting on as
 * npm_config_<name>: one of the command's flags there, and not among its arguments, is refused, saying where to write it.
 */
function tookByNpm(names: string[]): void {
  const script = process.env.npm_lifecycle_event;
  if (!script) return;
  const given = (name: string) => process.argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  const taken = names.find((name) => name !== 'help' && process.env[`npm_config_${name.replace(/-/g, '_')}`] !== undefined && !given(name));
  if (taken)
    exit(`npm took --${taken} as a setting of its own, so it did not reach this command: write it after --, as in ${script === 'start' ? 'npm start' : `npm run ${script}`} -- --${taken}`);
}
