// npm run backup's copying process (backup.ts): VACUUM INTO from the database to the partial file, in a process of
// its own so that a Ctrl-C or SIGTERM can stop it mid-copy (a thread inside SQLite's VACUUM cannot be stopped
// until it returns, and holds its process's exit until then). Plain JavaScript with better-sqlite3 alone: it
// starts in a few milliseconds. One read transaction: the copy is the database as of the moment it began.
import Database from 'better-sqlite3';

const [source, partial] = process.argv.slice(2);
try {
  const sqlite = new Database(source, { fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  sqlite.prepare('VACUUM INTO ?').run(partial);
  sqlite.close();
  process.send({ ok: true });
} catch (err) {
  process.send({ ok: false, code: err.code, message: err.message });
}
