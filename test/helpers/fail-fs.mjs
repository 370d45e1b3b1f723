// Preloaded into a command under test (NODE_OPTIONS=--import <this file>): an fs.writeFileSync to a path ending in
// FAIL_WRITE_ENDING makes the file but writes nothing into it and throws ENOSPC, as on a full disk; the
// FAIL_RENAME-th fs.renameSync throws EBUSY, as a rename over a file bind-mounted into a container does.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const failure = (code, syscall, path) => Object.assign(new Error(`${code}: failed, ${syscall} '${path}'`), { code, syscall, path });
const { writeFileSync, renameSync } = fs;
fs.writeFileSync = (file, data, opts) => {
  if (!process.env.FAIL_WRITE_ENDING || !String(file).endsWith(process.env.FAIL_WRITE_ENDING)) return writeFileSync(file, data, opts);
  writeFileSync(file, '', opts);
  throw failure('ENOSPC', 'write', file);
};
let renames = 0;
fs.renameSync = (from, to) => {
  if (++renames === Number(process.env.FAIL_RENAME)) throw failure('EBUSY', 'rename', from);
  renameSync(from, to);
};
syncBuiltinESMExports(); // `import { renameSync } from 'node:fs'` then finds these too
