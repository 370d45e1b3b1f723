// The checkpointer thread: folds committed WAL frames back into the database file several times a second
// with PASSIVE checkpoints, which never block the writer or the readers. The copying and its fsyncs then
// happen here, not inside a commit, and the WAL stays small because the writer can restart it from the top.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../../db/open';

const INTERVAL_MS = 200;
const db = openDb(workerData.dbPath as string, { migrate: false, autoCheckpoint: false });
const timer = setInterval(() => db.$client.pragma('wal_checkpoint(PASSIVE)'), INTERVAL_MS);

parentPort!.on('message', (m: { close?: true }) => {
  if (!m.close) return;
  clearInterval(timer);
  db.$client.close();
  parentPort!.postMessage({ closed: true });
});
