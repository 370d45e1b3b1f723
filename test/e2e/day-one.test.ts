// Day one: the start page of a centre no event has reached yet says so, and how the first is sent, until it comes.
import { describe, expect, it } from 'vitest';
import { expectWithinWidth } from '../helpers/browser';
import { useDashboard } from '../helpers/dashboard';

const dashboard = useDashboard({ users: { manager1: 'manager', supervisor1: 'supervisor' } });
const at = () => new Date(Date.now() - 60_000).toISOString();

describe('start page of a new centre', () => {
  it('tells an admin that no event has come, where events go, and where to create an ingest token, on a phone too', async () => {
    const page = await dashboard.adminPage('en', { viewport: { width: 360, height: 740 } });
    const note = page.locator('.no-events');
    await note.waitFor({ timeout: 15_000 });
    const text = await note.innerText();
    expect(text).toContain('No events yet');
    expect(text).toContain(`${dashboard.url}/api/events`);
    expect(text).toContain('Authorization: Bearer <ingest token>');
    expect(text).toContain('npm start -- --demo');
    expect(await note.locator('a').getAttribute('href')).toBe('/admin/access?lang=en');
    await expectWithinWidth(page, 360, ['.no-events']);
    await page.close();
  });

  it('tells a manager in Chinese to ask an admin for a token, with no English but the address and the header', async () => {
    const page = await dashboard.signedInAs('manager1', 'zh-CN');
    const note = page.locator('.no-events');
    await note.waitFor({ timeout: 15_000 });
    const text = await note.innerText();
    expect(text).toContain('尚未收到任何事件');
    expect(text).toContain('请管理员创建一个角色为“数据接入”的令牌');
    expect(await note.locator('a').count()).toBe(0);
    const english = text.replace(`${dashboard.url}/api/events`, '').replace(/Authorization: Bearer|README\.md|Sending events|POST|JSON|npm start -- --demo/g, '');
    expect(english).not.toMatch(/[A-Za-z]{3,}/);
    await page.close();
  });

  it('drops the note by itself once the first event is stored, and shows none to a centre with events', async () => {
    const page = await dashboard.signedInAs('supervisor1', 'en');
    await page.locator('.no-events').waitFor({ timeout: 15_000 });
    await dashboard.send([{ id: 'day-one-1', type: 'ticket.created', at: at(), ticket: 'T-1', channel: 'chat' }]);
    await page.locator('.no-events').waitFor({ state: 'detached', timeout: 20_000 });
    const again = await dashboard.adminPage('en');
    await again.waitForSelector('a.wall');
    await again.waitForTimeout(1_000);
    expect(await again.locator('.no-events').count()).toBe(0);
    await again.close();
    await page.close();
  });
});
