// The copying process of npm run backup and npm run restore (copy.ts): VACUUM INTO from a database to a new file,
// then SQLite's quick_check of the copy, in a process of its own so that a Ctrl-C or SIGTERM can stop it at any
// point (a thread inside SQLite cannot be stopped until the statement returns, and holds its process's exit until
// then). Plain JavaScript with better-sqlite3 alone: it starts in a few milliseconds. One read transaction: the
// copy is the database as of the moment it began.
import Database from 'better-sqlite3';

// A Ctrl-C at the terminal reaches this process too: the parent decides, and ends this one itself.
for (const signal of ['SIGINT', 'SIGHUP']) process.on(signal, () => {});
const [source, partial, mode] = process.argv.slice(2);
// Should the parent be killed outright, the copy is nobody's: this process ends quietly (its .partial stays, for the
// next backup to the same name to name).
process.on('disconnect', () => process.exit(1));
const tell = (message) => process.send(message, (err) => err && process.exit(1));
try {
  // A backup being restored is only read; a server's database is opened as the server does, and waits its turn.
  const sqlite = new Database(source, { fileMustExist: true, readonly: mode === 'read-only' });
  sqlite.pragma('busy_timeout = 5000');
  sqlite.prepare('VACUUM INTO ?').run(partial);
  sqlite.close();
  tell({ kind: 'copied' });
  const copy = new Database(partial, { readonly: true, fileMustExist: true });
  const sound = copy.pragma('quick_check', { simple: true });
  const events = copy.prepare('SELECT count(*) FROM events').pluck().get();
  // For a restore, which says when the newest event came: a scan of the events a backup is spared.
  const newest = mode === 'read-only' ? copy.prepare('SELECT max(received_at) FROM events').pluck().get() : null;
  copy.close();
  tell({ kind: 'checked', sound, events, newest });
} catch (err) {
  tell({ kind: 'failed', code: err.code, message: err.message });
}
