// A manager's reports split by every team the range's tickets name (one no agent belongs to too), each row's figures
// those of /api/kpis for that team.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard } from '../helpers/dashboard';
import { postEvents, type RunningServer } from '../helpers/server';

let browser: Browser;
let server: RunningServer;

beforeAll(async () => {
  ({ browser, server } = await startDashboard());
  const min = 60_000;
  const t0 = Date.now() - 60 * min;
  const ev = (id: string, at: number, rest: Record<string, unknown>) => ({ id, at, ...rest });
  const events = [
    ev('s-a', t0, { type: 'agent.status', agent: 'alice', name: 'Alice Chen', team: 'payments', status: 'available' }),
    ev('c1', t0 + min, { type: 'ticket.created', ticket: 'T-1', channel: 'chat', priority: 'urgent', category: 'refund', team: 'payments' }),
    ev('r1', t0 + 2 * min, { type: 'ticket.replied', ticket: 'T-1', agent: 'alice' }),
    ev('c2', t0 + 3 * min, { type: 'ticket.created', ticket: 'T-2', channel: 'phone', priority: 'urgent', category: 'refund', team: 'payments' }),
    ev('r2', t0 + 4 * min, { type: 'ticket.replied', ticket: 'T-2', agent: 'alice' }),
    ev('c3', t0 + 5 * min, { type: 'ticket.created', ticket: 'T-3', channel: 'chat', category: 'card', team: 'payments' }),
    // Risk: no agent of it has ever been seen; only its tickets name it.
    ev('c4', t0 + 6 * min, { type: 'ticket.created', ticket: 'R-1', channel: 'phone', priority: 'high', category: 'fraud', team: 'risk' }),
    ev('c5', t0 + 7 * min, { type: 'ticket.created', ticket: 'R-2', channel: 'chat', category: 'fraud', team: 'risk' }),
    ev('x5', t0 + 8 * min, { type: 'ticket.abandoned', ticket: 'R-2' })
  ];
  expect((await postEvents(server.url, events)).status).toBe(200);
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'test-admin-password' })
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const res = await fetch(`${server.url}/api/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ username: 'maria', password: 'maria-password-1', role: 'manager' })
  });
  expect(res.status).toBe(201);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.kill('SIGTERM');
});

async function signedIn(lang = 'en', viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(`${server.url}/?lang=${lang}`);
  await page.fill('input[name=username]', 'maria');
  await page.fill('input[name=password]', 'maria-password-1');
  await page.press('input[name=password]', 'Enter');
  await page.locator('a.wall').waitFor({ timeout: 15_000 });
  await page.click('a.reports');
  await page.locator('tr[data-team="payments"]').waitFor({ timeout: 20_000 });
  return page;
}

const api = (page: Page, path: string) => page.evaluate(async (p) => (await fetch(p)).json(), path);
const linked = async (page: Page, scope: string, measure: string) => Number((await page.locator(`${scope} a[data-measure="${measure}"]`).first().textContent())!.replace(/\D/g, ''));
const rangeOf = async (page: Page) => `from=${await page.locator('.range').getAttribute('data-from')}&to=${await page.locator('.range').getAttribute('data-to')}`;

describe('Reports by every team', () => {
  it('gives a team only tickets name a row of its own, with /api/kpis?team= its counts, and drills into it', async () => {
    const page = await signedIn();
    const risk = 'tr[data-team="risk"]';
    await page.locator(risk).waitFor({ timeout: 15_000 });
    const k = await api(page, `/api/kpis?${await rangeOf(page)}&team=risk`);
    expect(k.tickets.created).toBe(2);
    expect(await linked(page, risk, 'tickets.created')).toBe(k.tickets.created);
    expect(await linked(page, risk, 'tickets.abandoned')).toBe(k.tickets.abandoned);
    expect(await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-team')))).toEqual(['payments', 'risk', '']);
    await page.click(`${risk} th a`);
    await page.waitForURL(/team=risk/);
    await page.locator('#agents-title', { hasText: 'risk' }).waitFor({ timeout: 15_000 });
  });
});
