// Preloaded into npm run backup or npm run restore (NODE_OPTIONS=--import <this file>), whose copying process
// (api/cli/backup-copy.mjs) inherits it: that process holds back what it reports (copied, checked) until the file
// HOLD_COPY_UNTIL exists, or for good when nothing makes it. A test then acts while the copy is under way, however
// slowly it runs: a few hundred events copy in milliseconds, and a test process the machine's load kept waiting
// longer than that found the command already finished.
import { existsSync } from 'node:fs';

if (process.argv[1]?.endsWith('backup-copy.mjs') && process.send) {
  const send = process.send.bind(process);
  const held = [];
  process.send = (...message) => (held.push(message), true);
  const release = setInterval(() => {
    if (!existsSync(process.env.HOLD_COPY_UNTIL ?? '')) return;
    clearInterval(release);
    process.send = send;
    for (const message of held) send(...message);
  }, 10);
}
