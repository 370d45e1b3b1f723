// Live tests' server and WebSocket clients, ended after each test: a server left listening holds its port and file.
import { afterEach } from 'vitest';
import type WebSocket from 'ws';
import type { Listening } from '../../api/listen';

/** What a test opened: `running`, the server it listens with, and `sockets`, its clients; each ended after each test. */
export function endedAfterEach(): { running: Listening | null; sockets: WebSocket[] } {
  const live = { running: null as Listening | null, sockets: [] as WebSocket[] };
  afterEach(async () => {
    for (const s of live.sockets.splice(0)) s.terminate();
    await live.running?.close();
    live.running = null;
  });
  return live;
}
