// The configured KPI timezone (KPI_TIMEZONE), for pages other than the wall: the server says it only in the live
// feed's snapshot, so this takes one snapshot and closes the socket.

/** How long to wait for the snapshot before going on without the zone. */
const SNAPSHOT_WAIT_MS = 10_000;

/** The KPI timezone's IANA name, or null when the live feed did not say it (refused, full, or no answer). */
export function kpiTimezone(): Promise<string | null> {
  return new Promise((resolve) => {
    let ws: WebSocket | undefined;
    const done = (zone: string | null) => {
      clearTimeout(timer);
      if (ws) ws.onclose = ws.onerror = ws.onmessage = null;
      ws?.close();
      resolve(zone);
    };
    const timer = setTimeout(() => done(null), SNAPSHOT_WAIT_MS);
    try {
      ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live`);
    } catch {
      return done(null);
    }
    ws.onmessage = (e) => {
      let zone: unknown;
      try {
        const message = JSON.parse(String(e.data));
        zone = message?.type === 'snapshot' ? message.timezone : undefined;
      } catch {
        // Not the protocol's JSON: no zone from it.
      }
      done(typeof zone === 'string' ? zone : null);
    };
    ws.onclose = ws.onerror = () => done(null);
  });
}
