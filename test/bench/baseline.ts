// The bare-metal baseline the issue names: JSON.parse, one insert and three rollup upserts per event,
// committed in batches of 1000, in WAL mode with synchronous=NORMAL as the product (its cache, checkpoint and
// journal-size pragmas made no measurable difference here). No validation, replay or HTTP.
import Database from 'better-sqlite3';
import type { RawEvent } from '../../api/sim/simulator';
import { batches } from './workload';

export function baselineEventsPerSec(path: string, events: RawEvent[]): number {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE events (id TEXT PRIMARY KEY, type TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL);
           CREATE TABLE rollup (bucket INTEGER NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (bucket, key));`);
  const insert = db.prepare('INSERT OR IGNORE INTO events (id, type, at, body) VALUES (?, ?, ?, ?)');
  const upsert = db.prepare('INSERT INTO rollup (bucket, key, n) VALUES (?, ?, 1) ON CONFLICT (bucket, key) DO UPDATE SET n = n + 1');
  const bodies = batches(events, 1000).map((b) => JSON.stringify(b));
  const apply = db.transaction((list: Record<string, unknown>[]) => {
    for (const e of list) {
      const at = typeof e.at === 'number' ? e.at : Date.parse(e.at as string);
      insert.run(e.id, e.type, at, JSON.stringify(e));
      const hour = Math.floor(at / 3_600_000) * 3_600_000;
      upsert.run(hour, `type:${e.type}`);
      upsert.run(hour, `team:${e.team ?? ''}`);
      upsert.run(hour, `agent:${e.agent ?? ''}`);
    }
  });
  const started = performance.now();
  for (const body of bodies) apply(JSON.parse(body));
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return events.length / seconds;
}
