// Preloaded into a command under test (NODE_OPTIONS=--import <this file>): the process SIGKILLs itself just after
// its KILL_AFTER_RENAMES-th fs.renameSync, as kill -9 or a machine going down between two renames would stop it.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const after = Number(process.env.KILL_AFTER_RENAMES);
const rename = fs.renameSync;
let done = 0;
fs.renameSync = (...args) => {
  rename(...args);
  if (++done === after) process.kill(process.pid, 'SIGKILL');
};
syncBuiltinESMExports(); // `import { renameSync } from 'node:fs'` then finds this one too
