// The admin change history on /admin/changes: reached from the start page and the other admin pages; an empty state
// that says what will appear; each change with who, when (the centre's time, KPI_TIMEZONE, as the UI's locale writes
// it), what, before and after, in en and zh-CN; one kind alone.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useDashboard } from '../helpers/dashboard';
import { putTargets } from '../helpers/people';

// Not the browser's zone (UTC): a time shown in it would read 8 hours off.
const ZONE = 'Asia/Shanghai';
const dashboard = useDashboard({ env: { KPI_TIMEZONE: ZONE } });

const SHOTS = process.env.ADMIN_CHANGES_SHOTS;
const shot = async (page: Page, name: string) => void (SHOTS && (await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true })));

const cells = (page: Page) => page.locator('table.changes tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent!.trim())));

describe('the admin change history page', () => {
  it('says what will appear, then lists a change with who, when in the centre\'s zone, what, before and after, in en and zh-CN', async () => {
    const admin = await dashboard.adminPage('en');
    await admin.click('a.changes');
    const empty = admin.locator('p.empty');
    await empty.waitFor({ timeout: 15_000 });
    expect(await empty.textContent()).toContain('No change recorded yet. Each time an admin saves KPI targets');
    await shot(admin, 'admin-changes-empty-en');

    await putTargets(admin, { 'csat.pct': { warn: 85, critical: 75 } });
    const { changes } = await admin.evaluate(async () => (await fetch('/api/admin/changes')).json());
    const at = Date.parse(changes[0].at);
    // Reached from another admin page's navigation too.
    await admin.goto(`${dashboard.url}/admin/targets?lang=en`);
    await admin.click('a.changes');
    await admin.locator('table.changes tbody tr').waitFor({ timeout: 15_000 });
    const when = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: ZONE }).format(at);
    expect(await cells(admin)).toEqual([[when, 'admin', 'KPI targets: CSAT', 'the default', 'warn 85%, critical 75%']]);
    await shot(admin, 'admin-changes-en');

    // One kind alone: no user was changed.
    await admin.selectOption('label.kind select', 'user');
    await admin.getByText('No change of this kind recorded yet.').waitFor();

    await admin.goto(`${dashboard.url}/admin/changes?lang=zh-CN`);
    await admin.locator('table.changes tbody tr').waitFor({ timeout: 15_000 });
    expect(await admin.locator('h1').textContent()).toBe('变更记录');
    const 时间 = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeStyle: 'short', timeZone: ZONE }).format(at);
    const [row] = await cells(admin);
    expect(row![0]).toBe(时间);
    expect(row!.slice(1)).toEqual(['admin', 'KPI 目标：满意度', '默认值', '预警 85%，严重 75%']);
    await shot(admin, 'admin-changes-zh');
  }, 60_000);

  it('writes each target as the targets page and the wall do, a time as a time: not "warn 300" for five minutes', async () => {
    const admin = await dashboard.adminPage('en');
    await putTargets(admin, { 'firstResponse.p50Sec': { warn: 300, critical: 900 } });
    await admin.goto(`${dashboard.url}/admin/changes?lang=en`);
    const row = admin.locator('table.changes tbody tr[data-kind="targets"]').first();
    await row.waitFor({ timeout: 15_000 });
    const [, , what, before, after] = await row.locator('td').allTextContents();
    expect([what, before]).toEqual(['KPI targets: First response p50', 'the default']);
    // As the targets page reads them ("1h 30m") and the wall's headings.
    expect(after).toBe('warn 5m, critical 15m');
    expect(after).not.toContain('300');
    // Five columns get the targets page's width at 1280 px, not the start page's reading column, which wrapped a
    // date and time onto three lines and a team's two names onto four.
    await admin.setViewportSize({ width: 1280, height: 800 });
    expect((await admin.locator('table.changes').boundingBox())!.width).toBeGreaterThan(900);
  }, 60_000);
});
