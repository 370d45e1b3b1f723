// The clock: a New York centre's tickets behind a number on the night its clocks fall back (1 November 2026), where
// 01:30 comes twice, and a ticket's story from them. Each time says its offset, so the list and the story read in order.
import { describe, expect, it } from 'vitest';
import { useDashboard } from '../helpers/dashboard';

const created = (id: string, at: string) => ({ id, type: 'ticket.created', at, ticket: id, channel: 'chat' });
const dashboard = useDashboard({
  env: { KPI_TIMEZONE: 'America/New_York' },
  users: { manager1: 'manager' },
  seed: (d) =>
    d.send([
      created('T-edt', '2026-11-01T05:30:00Z'), // 01:30 EDT
      created('T-est', '2026-11-01T06:30:00Z'), // 01:30 EST, an hour later
      { id: 'r1', type: 'ticket.replied', at: '2026-11-01T06:10:00Z', ticket: 'T-edt', agent: 'a1' } // 01:10 EST
    ])
});

describe('the night New York falls back', () => {
  it('lists the two tickets created at 01:30 with their offsets, and the story of one answered at 01:10 after it', async () => {
    const page = await dashboard.signedInAs('manager1', 'en');
    await page.goto(`${dashboard.url}/reports/tickets?measure=tickets.created&from=2026-11-01&to=2026-11-02&lang=en`);
    await page.locator('tbody tr').nth(1).waitFor({ timeout: 15_000 });
    const times = await page.locator('tbody tr td:first-of-type').allInnerTexts();
    expect(times.map((s) => s.replace(/\s+/g, ' '))).toEqual(['Nov 1, 2026, 1:30 AM GMT-5', 'Nov 1, 2026, 1:30 AM GMT-4']);
    await page.click('tbody tr[data-item="T-edt"] a');
    await page.locator('text=Reply').first().waitFor({ timeout: 15_000 });
    const story = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(story).toContain('Nov 1, 2026, 1:30 AM GMT-4');
    expect(story).toContain('Nov 1, 2026, 1:10 AM GMT-5');
    await page.close();
  });
});
