// The wall's charts after NTP sets the server's clock back by hours: they show the day up to the new now.
import { afterEach, describe, expect, it } from 'vitest';
import { sampleBacklog } from '../../api/live/backlog-sampler';
import { computeLiveState, liveStateComputer } from '../../api/live/state';
import { testApp } from '../helpers/app';

const DAY = Date.parse('2026-11-24T00:00:00Z');
const at = (h: number, m: number) => DAY + h * 3_600_000 + m * 60_000;

let t: ReturnType<typeof testApp>;
afterEach(() => t.close());

describe('the live charts across a clock set back', () => {
  it('are made again for the new now, not kept from the hours the clock was ahead', async () => {
    let now = at(10, 0);
    t = testApp({ now: () => now });
    const live = liveStateComputer(t.rt.db.$client, 'UTC');
    expect(live({}, now).series.created.reduce((a, b) => a + b, 0)).toBe(0);
    // NTP sets the clock back three hours; a ticket comes.
    now = at(7, 0);
    await t.post([{ id: 'a', type: 'ticket.created', at: at(6, 59), ticket: 'A', channel: 'chat' }]);
    const s = live({}, now);
    expect(s.windows.today.tickets.created).toBe(1);
    expect(s.series.created.reduce((a, b) => a + b, 0)).toBe(1);
    expect(s.series.backlog.at(-1)).toEqual([now, 1]);
  });

  it("draw a team's backlog up to now, without the samples taken while the clock was ahead", async () => {
    let now = at(8, 0);
    t = testApp({ now: () => now });
    await t.post([{ id: 'a', type: 'ticket.created', at: at(7, 0), ticket: 'A', channel: 'chat', team: 'risk' }]);
    for (let m = 0; m <= 120; m += 10) sampleBacklog(t.rt.db.$client, at(8, m)); // 08:00 to 10:00, the clock three hours fast
    now = at(7, 30);
    await t.post([{ id: 'b', type: 'ticket.created', at: at(7, 29), ticket: 'B', channel: 'chat', team: 'risk' }]);
    const curve = computeLiveState(t.rt.db.$client, { team: 'risk' }, now, 'UTC').series.backlog;
    // In time order, ending at the tile's count now: no point after now, and none drawn back from 10:00 to it.
    expect(curve.map(([m]) => m)).toEqual([...curve.map(([m]) => m)].sort((x, y) => x - y));
    expect(curve.at(-1)).toEqual([now, 2]);
  });
});
