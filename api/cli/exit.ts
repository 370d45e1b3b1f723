// How the command-line entry points (npm start, npm run rebuild, npm run simulate) give up: a line or two
// saying why and what to do, an exit code, no stack trace. Library modules only describe failures.

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
