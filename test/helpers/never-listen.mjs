// Preloaded into the server a test starts (NODE_OPTIONS=--import <this file>): before the server's own code runs, it
// starts a process of its own (`sleep`, in the server's process group) and says both pids ("server 1234 sleep 1240"), then
// never lets the server go on: NEVER_LISTEN=hang waits for good, NEVER_LISTEN=exit exits with code 3, leaving the
// sleep behind. A test of what a failed start leaves running.
import { spawn } from 'node:child_process';

if (process.argv[1]?.endsWith('server.ts')) {
  const sleep = spawn('sleep', ['600'], { stdio: 'ignore' });
  process.stdout.write(`server ${process.pid} sleep ${sleep.pid}\n`);
  if (process.env.NEVER_LISTEN === 'exit') process.exit(3);
  setInterval(() => {}, 1 << 30);
  await new Promise(() => {});
}
