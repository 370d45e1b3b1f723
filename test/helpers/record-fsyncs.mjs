// Preloaded into a command under test (NODE_OPTIONS=--import <this file>): every path the process fsyncs through
// node:fs is appended, a line each, to the file RECORD_FSYNCS names, so a test can tell whether a new name in a
// directory was made durable (a power cut can lose a name whose directory was never synced).
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const record = process.env.RECORD_FSYNCS;
const paths = new Map();
const open = fs.openSync;
const fsync = fs.fsyncSync;
fs.openSync = (path, ...rest) => {
  const fd = open(path, ...rest);
  paths.set(fd, String(path));
  return fd;
};
fs.fsyncSync = (fd) => {
  fsync(fd);
  fs.appendFileSync(record, `${paths.get(fd) ?? `fd ${fd}`}\n`);
};
syncBuiltinESMExports();
