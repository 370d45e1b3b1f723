// Preloaded into a start (NODE_OPTIONS=--import <this file>). Its `vite build` (which inherits it) writes a one-page
// site at once in place of building; the start then holds the removal of its build's work directory (the old site
// moved into it) for HOLD_WORK_REMOVAL_MS, after writing the file HOLD_WORK_REMOVAL_MARKER names, so a test's signal
// lands in that moment.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';

if (process.argv[1]?.endsWith('vite.js')) {
  fs.mkdirSync(process.env.FLOORBOARD_BUILD_DIR, { recursive: true });
  fs.writeFileSync(join(process.env.FLOORBOARD_BUILD_DIR, 'index.html'), '<!doctype html><title>new</title>');
  process.exit(0);
}
const rmSync = fs.rmSync;
fs.rmSync = (path, options) => {
  if (/\.building-[^/]*$/.test(String(path)) && fs.existsSync(path)) {
    fs.writeFileSync(process.env.HOLD_WORK_REMOVAL_MARKER, String(path));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.HOLD_WORK_REMOVAL_MS));
  }
  return rmSync(path, options);
};
syncBuiltinESMExports();
