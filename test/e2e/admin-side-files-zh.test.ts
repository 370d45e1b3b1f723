// The admin pages in Chinese once the database's -wal was found deleted under the server: a change is refused
// (503 restart_needed), and the page says so in Chinese, naming the file, where it showed the server's English.
import { describe, expect, it } from 'vitest';
import { deleteWalUnderServer, useDashboard } from '../helpers/dashboard';

const dashboard = useDashboard();

describe('the admin pages in Chinese once the database -wal was deleted under the server', () => {
  it('say in Chinese that nothing was changed and the server must be restarted, naming the file', async () => {
    const page = await dashboard.adminPage('zh-CN');
    await page.click('a.access');
    await page.locator('[data-user="admin"]').waitFor({ timeout: 15_000 });

    await deleteWalUnderServer(dashboard);

    await page.fill('.add-user input[name=username]', 'mei');
    await page.fill('.add-user input[name=password]', 'floor-supervisor-1');
    await page.press('.add-user input[name=password]', 'Enter');
    const fault = page.locator('.add-user p.error[role=alert]');
    await fault.waitFor({ timeout: 15_000 });
    expect(await fault.textContent()).toBe(
      `服务器运行期间，${dashboard.dbPath}-wal 被删除了，此时保存的更改会在服务器重启时丢失：未做任何更改。请等服务器日志表明其所持数据已保存后，停止并重新启动服务器，然后再保存。`
    );

    await page.goto(`${dashboard.url}/admin/sla?lang=zh-CN`);
    await page.locator('input[name="urgent.chat"]').fill('120');
    await page.locator('input[name="urgent.chat"]').press('Enter');
    const slaFault = page.locator('form p.error[role=alert]');
    await slaFault.waitFor({ timeout: 15_000 });
    expect(await slaFault.textContent()).toMatch(new RegExp(`^服务器运行期间，${dashboard.dbPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-wal 被删除了`));
    await page.close();
  }, 60_000);
});
