// Preloaded into npm run backup or npm run restore (NODE_OPTIONS=--import <this file>), whose copying process
// (api/cli/backup-copy.mjs) inherits it: that process keeps what it reports to itself and, once FAIL_COPY_AFTER_MS
// have passed (a progress line shown meanwhile), reports the copy failed as on a full disk (SQLITE_FULL).
if (process.argv[1]?.endsWith('backup-copy.mjs') && process.send) {
  const send = process.send.bind(process);
  process.send = () => true;
  setTimeout(() => send({ kind: 'failed', code: 'SQLITE_FULL', message: 'database or disk is full' }), Number(process.env.FAIL_COPY_AFTER_MS));
}
