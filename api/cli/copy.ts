// The copying npm run backup and npm run restore share: SQLite's VACUUM INTO from one database file into a new
// one and a quick_check of the copy, in a process of their own (backup-copy.mjs) so that a Ctrl-C, SIGTERM or
// SIGHUP stops them at any point; a progress line meanwhile; and on a signal, the copy removed and the process
// ended with the shell's code for it.
import { fork, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fs, statSync, type Stats } from 'node:fs';
import { constants } from 'node:os';
import { dirname } from 'node:path';
import { size } from '../plain-words';
import { exit, orExit } from './exit';

/** The copy checked (`newest`, when the newest event was received, for a read-only source), or why it failed. */
export type Copy = { kind: 'checked'; sound: string; events: number; newest: number | null } | { kind: 'failed'; code?: string; message: string };

const started = performance.now();
/** Seconds since the command started, to a tenth. */
export const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
// On a terminal the progress line rewrites itself; into a log file or CI, a line every 10 s.
const tty = process.stdout.isTTY;
let copier: ChildProcess | null = null;

/**
 * `path`'s stat (undefined when nothing is there); or, for links that lead round in a loop (ELOOP, where stat threw a
 * stack trace), the command ends saying so and to name `instead`; and for a directory on the way this user may not
 * enter (EACCES, a stack trace too), with `denied` of why.
 */
export function statOrLoop(path: string, instead: string, denied: (why: string) => string): Stats | undefined {
  return orExit(
    () => statSync(path, { throwIfNoEntry: false }),
    (err) => {
      if ((err as { code?: unknown }).code === 'ELOOP') return `${path} is a link that leads round in a loop of links: name ${instead}.`;
      const why = deniedOnTheWay(err, path);
      return why && denied(why);
    }
  );
}

/**
 * Why this user cannot reach `path`, or make the directories it needs or the file itself, in words naming the
 * directory at fault (not Node's "EACCES: permission denied, mkdir …", nor the ENOENT its recursive mkdir says on a
 * read-only mount); null for another error.
 */
export function deniedOnTheWay(err: unknown, path: string): string | null {
  if (!['EACCES', 'EPERM', 'EROFS', 'ENOENT'].includes(String((err as { code?: unknown }).code))) return null;
  // From the root down, the first directory that is there and may not be entered; past one that is not there, none is.
  for (const dir of ancestors(path)) {
    const refused = accessError(dir, fs.X_OK);
    if (refused === 'ENOENT') break;
    if (refused) return `this user may not enter ${dir} (permission denied)`;
  }
  const above = existingAbove(path);
  const refused = accessError(above, fs.W_OK);
  if (refused === 'EROFS') return `${above} is on a read-only file system`;
  return refused ? `this user may not write in ${above} (permission denied)` : null;
}

/** The directories above `path`, from the root down. */
const ancestors = (path: string) => {
  const dirs: string[] = [];
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) dirs.unshift(dir);
  return dirs;
};
/** Why this user may not use `path` so (`mode`, as access(2) takes it): its error code, or null. */
export const accessError = (path: string, mode: number) => {
  try {
    accessSync(path, mode);
    return null;
  } catch (err) {
    return String((err as NodeJS.ErrnoException).code);
  }
};
/** The deepest directory above `path` that is there. */
const existingAbove = (path: string) => ancestors(path).findLast((dir) => accessError(dir, fs.F_OK) === null) ?? '/';

/**
 * The file standing where `path` needs a directory (`/backups/weekly.sqlite/kpi.sqlite`: `/backups/weekly.sqlite`),
 * or null. Looked at first: stat and mkdir then throw ENOTDIR, which ended the command in a stack trace.
 */
export function fileOnTheWay(path: string): string | null {
  for (const dir of ancestors(path).reverse()) {
    try {
      const stat = statSync(dir, { throwIfNoEntry: false });
      if (stat) return stat.isDirectory() ? null : dir;
    } catch (err) {
      // ENOTDIR: a file further up, found in a later round. EACCES: a directory further up this user may not enter,
      // which the stat of `path` then says.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTDIR' && code !== 'EACCES') throw err;
    }
  }
  return null;
}

/**
 * From now on SIGINT, SIGTERM and SIGHUP kill the copying process, run `cleanUp` and end this one with `said`
 * and the shell's exit code for the signal (128 + its number), as npm start does.
 */
export function stopOnSignals(cleanUp: () => void, said: string): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => {
      copier?.kill('SIGKILL');
      cleanUp();
      exit(`${tty ? '\n' : ''}Stopped by ${signal} after ${seconds()} s: ${said}`, 128 + constants.signals[signal]);
    });
}

/**
 * Copies the database `source` into `copy`, a new or empty file, as it stood when the copy began, then checks the
 * copy: `expected` bytes are what the progress line counts to. `readOnly` opens the source read-only (a backup
 * being restored); else as a server's connection would, waiting its turn for a busy database.
 */
export async function copyDatabase(source: string, copy: string, opts: { expected: number; readOnly: boolean }): Promise<Copy> {
  copier = fork(new URL('./backup-copy.mjs', import.meta.url), [source, copy, opts.readOnly ? 'read-only' : 'read-write'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  });
  let reported = 0;
  /** A progress line on the terminal that no line break has ended yet. */
  let lineOpen = false;
  const progress = setInterval(() => {
    const written = statSync(copy, { throwIfNoEntry: false })?.size ?? 0;
    const line = `  ${size(written)} of ${size(opts.expected)} copied (${Math.min(99, Math.floor((100 * written) / Math.max(opts.expected, 1)))} %)`;
    if (tty) (process.stdout.write(`\r${line}`), (lineOpen = true));
    else if (performance.now() - started >= reported + 10_000) (reported += 10_000), console.log(line);
  }, 1000);
  type Report = { kind: 'copied' } | Copy;
  const child = copier;
  try {
    return await new Promise<Copy>((done) => {
      child.on('message', (m: Report) => {
        if (m.kind !== 'copied') return done(m);
        clearInterval(progress);
        console.log(`${lineOpen ? '\n' : ''}Copied in ${seconds()} s; checking the copy…`);
        lineOpen = false;
      });
      child.once('exit', (code, signal) => done({ kind: 'failed', message: `the copying process ended (${signal ?? `exit ${code}`}) before it finished` }));
    });
  } finally {
    clearInterval(progress);
    // What the command says next (why the copy failed) begins a line of its own: it was written on the end of the progress line.
    if (lineOpen) process.stdout.write('\n');
    // The channel to it keeps both processes alive; closed, the copying process ends (its work is done).
    if (child.connected) child.disconnect();
  }
}
