// An admin saving a KPI target once the database's -wal was found deleted under the server: the page says what
// happened and to restart the server, where it said "saved" of a change a crash then lost.
import { describe, expect, it } from 'vitest';
import { deleteWalUnderServer, useDashboard } from '../helpers/dashboard';

const dashboard = useDashboard();

describe('KPI targets once the database -wal was deleted under the server', () => {
  it('a save is refused on the page with the server\'s words: which file, nothing changed, restart', async () => {
    const admin = await dashboard.adminPage();
    await admin.click('a.targets');
    const warn = admin.locator('input[name="backlog.unattended.warn"]');
    await warn.waitFor({ timeout: 15_000 });

    await deleteWalUnderServer(dashboard);

    await warn.fill('10');
    await admin.locator('input[name="backlog.unattended.critical"]').fill('30');
    await admin.locator('button[type=submit]').click();
    const alert = admin.locator('p.error[role=alert]');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain(`${dashboard.dbPath}-wal was deleted while the server ran`);
    expect(await alert.textContent()).toContain('no target was changed');
    expect(await alert.textContent()).toContain('Stop and start the server');
    expect(await admin.locator('[role=status]').count()).toBe(0);
  }, 60_000);
});
