// The agents and callbacks pages as the floor changes under them: agents who never said their status, agents
// logging off, and what the pages say when there is nothing to list.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDashboard } from '../helpers/dashboard';

const MIN = 60_000;
let n = 0;
const id = (what: string) => `al-${what}-${++n}`;
const status = (agent: string, s: string, at = Date.now() - MIN, extra: Record<string, unknown> = {}) => ({
  id: id('st'),
  type: 'agent.status',
  at,
  agent,
  status: s,
  ...extra
});
/** An open ticket assigned to `agent`: an agent the floor knows from work alone, with no status of their own. */
function assigned(agent: string, team = 'wallet') {
  const ticket = id('T');
  return [
    { id: id('c'), type: 'ticket.created', at: Date.now() - 2 * MIN, ticket, channel: 'chat', team },
    { id: id('a'), type: 'ticket.assigned', at: Date.now() - MIN, ticket, agent, team }
  ];
}

// Its events are minutes old: startDashboard's zone, where it is noon, has them today whenever it runs.
const dashboard = useDashboard();
const send = (events: unknown[]) => dashboard.send(events);
/** A new page on the wall (`query` after its token), once it shows a tile. */
const openWall = (query: string) => dashboard.openWall(query, { waitFor: 'main [data-kpi]' });

const tile = (page: Page, status: string) => page.getAttribute(`[data-kpi="agents.${status}"]`, 'data-value');

describe('agents page', () => {
  it('counts an agent who never said a status as Unknown on the status tile, as the board says, not as Offline', async () => {
    await send([
      status('ana.on', 'available', Date.now() - 5 * MIN, { name: 'Ana On', team: 'wallet' }),
      // Logged off just now: an agent offline since before today, with nothing today, is not on the wall at all.
      status('gus.gone', 'offline', Date.now() - 1000, { name: 'Gus Gone', team: 'wallet' }),
      ...assigned('nell.nostatus')
    ]);
    const page = await openWall('page=agents&lang=en');
    await page.waitForSelector('.row[data-agent="nell.nostatus"]');
    expect(await page.textContent('.row[data-agent="nell.nostatus"] .status')).toContain('Unknown');
    expect(await tile(page, 'available')).toBe('1');
    expect(await tile(page, 'offline')).toBe('1');
    expect(await tile(page, 'unknown')).toBe('1');
    expect(await page.textContent('[data-kpi="agents.unknown"]')).toContain('Unknown');
    await page.close();
  });
});

describe('a team\'s wall', () => {
  it('counts the team\'s own agents on its status tile, and names the team of a helper from another one on its board', async () => {
    const ticket = id('T');
    await send([
      status('wes.wallet', 'available', Date.now() - 5 * MIN, { name: 'Wes Wallet', team: 'overflow-w' }),
      status('pat.payments', 'available', Date.now() - 5 * MIN, { name: 'Pat Payments', team: 'overflow-p' }),
      // Pat answered one of the wallet team's chats when nobody there was free (overflow routing).
      { id: id('c'), type: 'ticket.created', at: Date.now() - 3 * MIN, ticket, channel: 'chat', team: 'overflow-w' },
      { id: id('a'), type: 'ticket.assigned', at: Date.now() - 2 * MIN, ticket, agent: 'pat.payments', team: 'overflow-w' },
      { id: id('r'), type: 'ticket.replied', at: Date.now() - 2 * MIN, ticket, agent: 'pat.payments' }
    ]);
    const page = await openWall('page=agents&lang=en&team=overflow-w');
    await page.waitForSelector('.row[data-agent="pat.payments"]');
    expect(await tile(page, 'available')).toBe('1');
    expect(await page.textContent('.row[data-agent="pat.payments"] .cell:first-child')).toContain('overflow-p');
    expect(await page.textContent('.row[data-agent="wes.wallet"] .cell:first-child')).not.toContain('overflow-w');
    await page.close();
  });
});

describe('empty boards', () => {
  it('says no agent is on shift or at work today, not that none was ever reported, when the floor knows agents from before today', async () => {
    await send([status('yan.yesterday', 'offline', Date.now() - 30 * 60 * MIN, { name: 'Yan Yesterday', team: 'quiet' })]);
    const page = await openWall('page=agents&lang=en&team=quiet');
    await page.waitForSelector('.board .empty');
    expect(await page.textContent('.board .empty')).toBe('No agent is on shift or has worked today');
    await page.close();
  });

  it('does not say no callbacks were scheduled today beside a tile counting those scheduled with no agent', async () => {
    const callback = id('CB');
    await send([
      status('cal.m', 'available', Date.now() - 5 * MIN, { name: 'Cal M', team: 'calm' }),
      { id: id('cs'), type: 'callback.scheduled', at: Date.now() - MIN, callback, reason: 'customer_request', due: Date.now() + 60 * MIN, team: 'calm' }
    ]);
    const page = await openWall('page=callbacks&lang=en&team=calm');
    await page.waitForFunction(() => document.querySelector('[data-kpi="callbacks.scheduled"]')?.getAttribute('data-value') === '1', null, { timeout: 5000 });
    expect(await page.textContent('.panel .empty')).toBe('No agent has scheduled, attempted or completed a callback today');
    await page.close();
  });
});
