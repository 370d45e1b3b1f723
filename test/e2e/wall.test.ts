// What a supervisor sees: the wall in real Chromium against a real server process.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signIn, signInAt } from '../helpers/browser';
import { useDashboard } from '../helpers/dashboard';
import { TEST_INGEST_TOKEN, middayZone, startServer } from '../helpers/server';
import { pixelsOf } from '../helpers/canvas';

/**
 * The centre's zone, where it is now about noon: events stamped a minute ago are today's whenever the tests run (in
 * UTC, a run just after midnight put them in yesterday, and the callbacks page never showed them).
 */
const zone = { KPI_TIMEZONE: middayZone() };

let n = 0;
const created = (team = 'wallet') => {
  const id = `e2e-${Date.now()}-${++n}`;
  return { id, type: 'ticket.created', at: Date.now() - 2000, ticket: id, channel: 'chat', team, category: 'refund' };
};

/**
 * A wall at `size` (`query` after its token, "&lang=en"), once its tiles show, and the errors its console and its
 * scripts report, from before it loads.
 */
async function openWall(size: { width: number; height: number }, query = '') {
  const page = await dashboard.browser.newPage({ viewport: size });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${dashboard.url}/wall?token=${dashboard.wallToken}${query}`);
  await page.waitForSelector('[data-kpi="tickets.created"]', { timeout: 15_000 });
  return { page, errors };
}

/** A mark left on a page's window: gone once the page has been loaded again. */
interface Marked {
  openedBefore?: boolean;
}

const valueOf = (page: Page, kpi: string) => page.getAttribute(`[data-kpi="${kpi}"]`, 'data-value');

/** Its `tokens.display` is a second display token, deleted while a wall shows figures with it. */
const dashboard = useDashboard({
  env: zone,
  roles: ['display'],
  seed: (dashboard) =>
    dashboard.send([created(), created('risk'), { id: `st-${Date.now()}`, type: 'agent.status', at: Date.now() - 5000, agent: 'li.wei', name: 'Li Wei', team: 'wallet', status: 'available' }])
});

/** Starts the server the test stopped again, on the same database and port, as an operator's restart would. */
const startAgain = async () => (dashboard.server = await startServer({ dbPath: dashboard.dbPath, port: dashboard.server.port, env: zone }));

describe('wall display', () => {
  for (const size of [
    { width: 1920, height: 1080 },
    { width: 3840, height: 2160 }
  ]) {
    it(`renders at ${size.width}×${size.height} with nothing overflowing, and no console errors`, async () => {
      const { page, errors } = await openWall(size);
      await page.waitForTimeout(500);
      const box = await page.evaluate(() => {
        const el = document.scrollingElement!;
        const outside = [...document.querySelectorAll('[data-kpi]')].filter((t) => {
          const r = t.getBoundingClientRect();
          return r.right > innerWidth + 1 || r.bottom > innerHeight + 1 || r.width === 0;
        }).length;
        return { sh: el.scrollHeight, sw: el.scrollWidth, h: innerHeight, w: innerWidth, outside, tiles: document.querySelectorAll('[data-kpi]').length };
      });
      expect(box.sh).toBeLessThanOrEqual(box.h);
      expect(box.sw).toBeLessThanOrEqual(box.w);
      expect(box.tiles).toBeGreaterThanOrEqual(14);
      expect(box.outside).toBe(0);
      expect(await page.textContent('[data-testid="as-of"]')).toMatch(/^as of \d{1,2}:\d{2}:\d{2} (UTC|GMT[+-]\d+)$/);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('shows a POSTed event on its tile within 1 s', async () => {
    const { page } = await openWall({ width: 1920, height: 1080 });
    const before = Number(await valueOf(page, 'tickets.created'));
    const started = Date.now();
    await dashboard.send([created()]);
    await page.waitForFunction((expected) => document.querySelector('[data-kpi="tickets.created"]')?.getAttribute('data-value') === String(expected), before + 1, { timeout: 5000 });
    expect(Date.now() - started).toBeLessThan(1000);
    await page.close();
  });

  it('walks the callback funnel on the callbacks page: connected out of attempts, confirmed out of completed, and the same per agent', async () => {
    const page = await dashboard.openWall('page=callbacks&lang=en', { waitFor: '[data-kpi="callbacks.confirmed"]' });
    const at = Date.now() - 60_000;
    const cb = (k: string) => `e2e-cb-${at}-${k}`;
    await dashboard.send([
      ...['a', 'b'].map((k) => ({ id: `${cb(k)}-s`, type: 'callback.scheduled', at, callback: cb(k), reason: 'pre_approval', due: at + 3_600_000, agent: 'li.wei', team: 'wallet' })),
      { id: `${cb('a')}-t1`, type: 'callback.attempted', at: at + 1000, callback: cb('a'), agent: 'li.wei', result: 'no_answer' },
      { id: `${cb('a')}-t2`, type: 'callback.attempted', at: at + 2000, callback: cb('a'), agent: 'li.wei', result: 'connected' },
      { id: `${cb('a')}-c`, type: 'callback.completed', at: at + 3000, callback: cb('a'), agent: 'li.wei', outcome: 'confirmed' },
      { id: `${cb('b')}-c`, type: 'callback.completed', at: at + 4000, callback: cb('b'), agent: 'li.wei', outcome: 'declined' }
    ]);
    await page.waitForFunction(() => document.querySelector('[data-kpi="callbacks.completed"]')?.getAttribute('data-value') === '2', null, { timeout: 5000 });
    const footer = async (kpi: string) => (await page.textContent(`[data-kpi="${kpi}"] footer`))?.trim();
    expect(await footer('callbacks.connected')).toBe('50.0% of attempts');
    expect(await footer('callbacks.confirmed')).toBe('1 of 2 completed');
    expect(await page.textContent('[data-agent="li.wei"]')).toMatch(/Li Wei\s*2\s*2\s*1\s*2\s*1\s*100%/);
    await page.close();
  });

  it('shares the agents with callback work between the two tables across the board, as the agents board does, not eight on the left first', async () => {
    const page = await dashboard.openWall('page=callbacks&lang=en', { waitFor: '[data-kpi="callbacks.confirmed"]' });
    const at = Date.now() - 60_000;
    // Three agents with a callback today: the left table two, the right one (it held all three over an empty right half).
    await dashboard.send(
      ['li.wei', 'zhou.xin', 'ye.qing'].map((agent) => ({
        id: `e2e-cbt-${at}-${agent}`,
        type: 'callback.scheduled',
        at,
        callback: `e2e-cbt-${at}-${agent}`,
        reason: 'unconfirmed_payment',
        due: at + 3_600_000,
        agent,
        team: 'wallet'
      }))
    );
    await page.locator('.tables [data-agent="ye.qing"]').waitFor({ timeout: 5000 });
    const perTable = () => page.locator('.tables .table').evaluateAll((tables) => tables.map((t) => t.querySelectorAll('[data-agent]').length));
    expect(await perTable()).toEqual([2, 1]);
    await page.close();
  });

  it('signs in with a password on the start page and opens the wall without a token, in the language chosen there', async () => {
    // An English browser, with Chinese chosen on the start page.
    const page = await dashboard.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await page.goto(`${dashboard.url}/?lang=zh-CN`);
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('[role=alert]');
    expect(await page.textContent('[role=alert]')).toMatch(/用户名或密码错误/);
    await signIn(page);
    expect(await page.textContent('.signed-in')).toMatch(/admin（管理员）/);
    // The form is gone: the keyboard goes on to the wall's link, not back to the top of the page.
    await page.waitForFunction(() => document.activeElement?.classList.contains('wall'));
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-kpi="tickets.created"]', { timeout: 15_000 });
    expect(page.url()).not.toContain('token=');
    expect(await page.textContent('[data-testid="as-of"]')).toMatch(/数据截至/);
    await page.close();
  });

  it('offers the way to sign in again on a signed-in wall whose session ended while it showed figures', async () => {
    const context = await dashboard.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${dashboard.url}/?lang=en&team=wallet`);
    await signIn(page);
    await page.click('a.wall');
    await page.waitForSelector('[data-kpi="tickets.created"]', { timeout: 15_000 });
    const wallAddress = new URL(page.url());
    // Signed out at the desk (another tab of the same browser): the server ends the wall's feed.
    const desk = await context.newPage();
    await desk.goto(`${dashboard.url}/`);
    expect(await desk.evaluate(() => fetch('/api/auth/logout', { method: 'POST' }).then((r) => r.status))).toBeLessThan(300);
    await page.waitForSelector('[data-stale] a', { timeout: 20_000 });
    // It says what happened, not only how to sign in as if it never had.
    expect(await page.textContent('[data-stale]')).toMatch(/You were signed out, or your session ended \(12 hours after signing in\): sign in again on the start page\. Go to the start page to sign in →/);
    await page.click('[data-stale] a');
    await page.waitForSelector('input[name=password]');
    expect(new URL(page.url()).search).toBe(wallAddress.search);
    await context.close();
  });

  it('says a wall opened after its browser was signed out that it was signed out, as an open wall says, in English and Chinese', async () => {
    const context = await dashboard.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await signInAt(await context.newPage(), dashboard.url, 'en');
    expect(await page.evaluate(() => fetch('/api/auth/logout', { method: 'POST' }).then((r) => r.status))).toBeLessThan(300);
    // Loaded afresh (a TV switched on the next morning): its handshake is refused with a bare 401.
    await page.goto(`${dashboard.url}/wall?lang=en`);
    await page.waitForSelector('text=Not authorised', { timeout: 15_000 });
    expect(await page.textContent('main')).toMatch(/You were signed out, or your session ended \(12 hours after signing in\): sign in again on the start page\./);
    await page.goto(`${dashboard.url}/wall?lang=zh-CN`);
    await page.waitForSelector('text=未授权', { timeout: 15_000 });
    expect(await page.textContent('main')).toMatch(/您已退出登录，或登录已过期/);
    await context.close();
  });

  it('remembers the session it showed figures with, signed in before this dashboard was: reloaded once it has ended, says it was signed out', async () => {
    const context = await dashboard.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(`${dashboard.url}/wall?lang=en`);
    await page.waitForSelector('text=Not authorised', { timeout: 15_000 });
    const auth = (path: string, body?: unknown) =>
      page.evaluate(([p, b]) => fetch(p as string, { method: 'POST', headers: { 'content-type': 'application/json' }, body: b as string | undefined }).then((r) => r.status), [path, body === undefined ? undefined : JSON.stringify(body)]);
    // Signed in by no page of this dashboard's (a bookmarklet, or the dashboard before this one).
    expect(await auth('/api/auth/login', { username: 'admin', password: 'test-admin-password' })).toBe(200);
    await page.reload();
    await page.waitForSelector('[data-kpi="tickets.created"]', { timeout: 15_000 });
    expect(await auth('/api/auth/logout')).toBe(200);
    await page.reload();
    await page.waitForSelector('text=Not authorised', { timeout: 15_000 });
    expect(await page.textContent('main')).toMatch(/You were signed out, or your session ended/);
    await context.close();
  });

  it('after five wrong passwords for a name, says how long to wait rather than "wrong password" again', async () => {
    const page = await dashboard.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await page.goto(`${dashboard.url}/?lang=en`);
    // A name of its own: the hold falls on this name from this address, and the other tests sign in as admin.
    await page.fill('input[name=username]', 'night.shift');
    for (let i = 0; i < 6; i++) {
      await page.fill('input[name=password]', `guess-${i}`);
      await page.click('button[type=submit]');
      await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('button[type=submit]')?.disabled);
    }
    // What is left of the 30 s hold begun at the fifth try: "29s" where the sixth came a second or more after it.
    const said = (await page.textContent('[role=alert]')) ?? '';
    const wait = Number(/too many wrong passwords for this name: try again in (\d+)s/i.exec(said)?.[1]);
    expect(wait, said).toBeGreaterThanOrEqual(1);
    expect(wait, said).toBeLessThanOrEqual(30);
    await page.close();
  });

  it('switches page from its tabs, by mouse or keyboard, and keeps the page in the address', async () => {
    const { page, errors } = await openWall({ width: 1366, height: 768 }, '&lang=en');
    await page.click('header nav a:has-text("Callbacks")');
    await page.waitForSelector('[data-kpi="callbacks.attempts"]');
    expect(new URL(page.url()).searchParams.get('page')).toBe('callbacks');
    expect(new URL(page.url()).searchParams.get('token')).toBe(dashboard.wallToken);
    await page.focus('header nav a:has-text("Agents")');
    await page.keyboard.press('Enter');
    await page.waitForSelector('div.row[data-agent]');
    expect(await page.getAttribute('header nav a[aria-current=page]', 'href')).toContain('page=agents');
    await page.reload();
    await page.waitForSelector('div.row[data-agent]');
    expect(await page.$('[data-kpi="tickets.created"]')).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('on a rotating wall, keeps a page picked from its tabs for the whole turn its progress bar shows', async () => {
    const page = await dashboard.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.clock.install();
    await page.goto(`${dashboard.url}/wall?token=${dashboard.wallToken}&rotate=30&lang=en`);
    await page.waitForSelector('[data-kpi="tickets.created"]', { timeout: 15_000 });
    const current = () => page.getAttribute('header nav a[aria-current=page]', 'href');
    await page.clock.runFor(25_000);
    expect(await current()).toContain('page=overview');
    await page.click('header nav a:has-text("Agents")');
    await page.clock.runFor(10_000);
    expect(await current()).toContain('page=agents');
    await page.clock.runFor(21_000);
    expect(await current()).toContain('page=callbacks');
    await page.close();
  });

  it('says when a scope has nothing at all, as a misspelt ?team= would: not a wall of zeros that looks like a quiet floor', async () => {
    const { page } = await openWall({ width: 1920, height: 1080 }, '&lang=en&team=walet');
    await page.waitForSelector('[data-nothing-yet]');
    expect(await page.textContent('[data-nothing-yet]')).toMatch(/Nothing for team "walet" today/);
    // Below the charts, not over their time axes.
    const notice = (await page.locator('[data-nothing-yet]').boundingBox())!;
    for (const chart of await page.locator('.chart').all()) {
      const box = (await chart.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(notice.y);
    }
    const real = await openWall({ width: 1920, height: 1080 }, '&lang=en&team=wallet');
    // The notice is drawn from the same message as the tiles openWall waited for: no wait of a guessed length.
    expect(await real.page.locator('[data-kpi="tickets.created"]').getAttribute('data-value')).not.toBe('0');
    expect(await real.page.$('[data-nothing-yet]')).toBeNull();
    await page.close();
    await real.page.close();
  });

  it('says in its own language that the server refused the team in its address, not in the server\'s English', async () => {
    const page = await dashboard.openWall(`lang=zh-CN&team=${'t'.repeat(129)}`, { waitFor: '[data-server-error]' });
    expect(await page.textContent('[data-server-error]')).toBe('服务器无法使用本页地址中的团队名称（?team=），请核对地址。');
    // Connected, and refused: no "connecting" that no retry will end.
    expect(await page.textContent('.screen .title')).toBe('无法显示此地址');
    await page.close();
  });

  it('says under its stale figures that the server cannot compute them, not only "Reconnecting", and recovers by itself', async () => {
    const { page } = await openWall({ width: 1280, height: 720 }, '&lang=en');
    // A table the live figures read is gone from under the running server: every computation fails, and is logged.
    const db = new Database(dashboard.dbPath);
    db.pragma('busy_timeout = 5000');
    try {
      db.exec('ALTER TABLE pending_callbacks RENAME TO pending_callbacks_away');
      await page.waitForSelector('[data-stale] small:has-text("could not compute the live figures")', { timeout: 40_000 });
      // It said "Reconnecting — figures as of …" alone, as if the network were down, for as long as the fault lasted.
      expect(await page.textContent('[data-stale]')).toMatch(/Reconnecting.*The server could not compute the live figures \(its log says why\)/);
    } finally {
      db.exec('ALTER TABLE pending_callbacks_away RENAME TO pending_callbacks');
      db.close();
    }
    await page.waitForSelector('[data-stale]', { state: 'detached', timeout: 40_000 });
    await page.close();
  });

  it('says why it shows nothing, and what to do: a refused token is wrong or revoked, an ingest token is not the wall\'s; with none, sign in on the start page', async () => {
    const page = await dashboard.browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: 'en-US' });
    await page.goto(`${dashboard.url}/wall?token=not-a-token&lang=en`);
    await page.waitForSelector('text=Not authorised', { timeout: 15_000 });
    expect(await page.textContent('main')).toMatch(/token in this address was refused/);
    expect(await page.$('main a')).toBeNull();
    // The ingest token, printed at first start beside the display token, pasted into the wall's address: it is not
    // wrong or revoked (it posts events), and the wall says which token it needs.
    await page.goto(`${dashboard.url}/wall?token=${TEST_INGEST_TOKEN}&lang=en`);
    await page.waitForSelector('text=Not authorised', { timeout: 15_000 });
    expect(await page.textContent('main')).toMatch(/ingest token.*display token/);
    await page.goto(`${dashboard.url}/wall?token=${TEST_INGEST_TOKEN}&lang=zh-CN`);
    await page.waitForSelector('text=未授权', { timeout: 15_000 });
    expect(await page.textContent('main')).toMatch(/事件.*大屏令牌/);
    await page.goto(`${dashboard.url}/wall?lang=zh-CN`);
    await page.waitForSelector('text=未授权', { timeout: 15_000 });
    await page.click('main a');
    await page.waitForSelector('input[name=password]');
    expect(new URL(page.url()).search).toBe('?lang=zh-CN');
    await page.close();
  });

  it('shows its figures under its Content-Security-Policy, which runs no injected script, and sends no Referer holding its token', async () => {
    const page = await dashboard.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const referers: string[] = [];
    page.on('request', (r) => referers.push(r.headers().referer ?? ''));
    const res = await page.goto(`${dashboard.url}/wall?token=${dashboard.wallToken}`);
    expect(res?.headers()['content-security-policy']).toMatch(/frame-ancestors 'self'/);
    expect(await page.getAttribute('meta[http-equiv="content-security-policy"]', 'content')).toMatch(/script-src 'self' 'sha256-/);
    await page.waitForSelector('[data-kpi="tickets.created"][data-value]', { timeout: 15_000 });
    await page.waitForSelector('canvas', { timeout: 15_000 });
    expect(errors).toEqual([]);
    const injected = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
      return (window as { injected?: boolean }).injected ?? false;
    });
    expect(injected).toBe(false);
    expect(referers.length).toBeGreaterThan(1);
    expect(referers.filter((r) => r.includes(dashboard.wallToken))).toEqual([]);
    // The batch answered from Node's own response (the ingest fast path) is kept by no one either.
    const posted = await fetch(`${dashboard.url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}` }, body: JSON.stringify(created()) });
    expect([posted.status, posted.headers.get('cache-control'), posted.headers.get('x-content-type-options')]).toEqual([200, 'no-store', 'nosniff']);
    await page.close();
  });

  it('answers an address that does not exist with a page saying so and a way back, in the chosen language', async () => {
    const page = await dashboard.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${dashboard.url}/login?lang=zh-CN`);
    await page.waitForSelector('main a');
    expect(await page.textContent('main')).toMatch(/没有这个页面：\/login/);
    await page.click('main a');
    await page.waitForSelector('input[name=password]');
    expect(new URL(page.url()).pathname).toBe('/');
    await page.close();
  });

  it('speaks Chinese with ?lang=zh-CN', async () => {
    const { page } = await openWall({ width: 1920, height: 1080 }, '&lang=zh-CN');
    const text = await page.textContent('body');
    expect(text).toMatch(/[\u4e00-\u9fff]{2,}/);
    expect(await page.textContent('[data-testid="as-of"]')).toMatch(/[\u4e00-\u9fff]/);
    await page.close();
  });

  it('says what to do when the token of a wall already showing figures is revoked, instead of only "Reconnecting"', async () => {
    const page = await dashboard.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${dashboard.url}/wall?token=${dashboard.tokens.display}&lang=en`);
    await page.waitForSelector('[data-kpi="tickets.created"]', { timeout: 15_000 });
    const db = new Database(dashboard.dbPath);
    db.prepare('DELETE FROM api_tokens WHERE token_hash = ?').run(createHash('sha256').update(dashboard.tokens.display!).digest('hex'));
    db.close();
    // The server checks a wall's credentials at every ping (5 s) and ends the feed of a deleted token.
    await page.waitForSelector('[data-stale]', { timeout: 20_000 });
    await page.waitForFunction(() => /token in this address was refused/.test(document.querySelector('[data-stale]')?.textContent ?? ''), null, { timeout: 10_000 });
    expect(await valueOf(page, 'tickets.created')).not.toBeNull();
    await page.close();
  });

  it('keeps its last values under a stale banner when the server dies, and recovers by itself after a restart', async () => {
    const { page } = await openWall({ width: 1920, height: 1080 });
    const before = await valueOf(page, 'tickets.created');
    expect(await page.$('[data-stale]')).toBeNull();
    await dashboard.server.kill('SIGKILL');
    await page.waitForSelector('[data-stale]', { timeout: 20_000 });
    // When the figures are from, and how old they are: the age counts up while the server is away.
    const banner = await page.textContent('[data-stale]');
    expect(banner).toMatch(/as of \d{1,2}:\d{2}:\d{2}, \d+s old/);
    // Below the figures, hiding none of them: the charts' times stay readable, as does an agents board's last row.
    const overlap = await page.evaluate(() => document.querySelector('main')!.getBoundingClientRect().bottom - document.querySelector('[data-stale]')!.getBoundingClientRect().top);
    expect(overlap).toBeLessThanOrEqual(0);
    // The age reads on from the time ("as of 12:01:41, 2s old"), with no gap before its comma.
    const gap = await page.evaluate(() => {
      const age = document.querySelector('[data-stale] [aria-hidden]')!;
      const time = document.createRange();
      time.selectNodeContents(age.previousSibling!);
      return age.getBoundingClientRect().left - time.getBoundingClientRect().right;
    });
    expect(Math.abs(gap)).toBeLessThan(1);
    await page.waitForFunction((first) => document.querySelector('[data-stale]')?.textContent !== first, banner, { timeout: 5_000 });
    // What a screen reader is given to announce (the banner is an alert) says when the figures are from, and stays
    // put while the age on screen counts: an alert whose text changed every second was announced every second.
    const spoken = await page.locator('[data-stale]').ariaSnapshot();
    expect(spoken).toMatch(/as of \d{1,2}:\d{2}:\d{2}/);
    await page.waitForTimeout(2_100);
    expect(await page.locator('[data-stale]').ariaSnapshot()).toBe(spoken);
    expect(await valueOf(page, 'tickets.created')).toBe(before);

    // Back with the same dashboard: the wall asks which the server serves, and stays as it is (no reload).
    await page.evaluate(() => ((window as unknown as Marked).openedBefore = true));
    const asked = page.waitForResponse('**/_app/version.json', { timeout: 30_000 });
    await startAgain();
    await dashboard.send([created()]);
    await page.waitForSelector('[data-stale]', { state: 'detached', timeout: 30_000 });
    await page.waitForFunction((expected) => document.querySelector('[data-kpi="tickets.created"]')?.getAttribute('data-value') === String(expected), Number(before) + 1, { timeout: 10_000 });
    await (await asked).finished();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as Marked).openedBefore)).toBe(true);
    await page.close();
  });

  it('loads the new dashboard by itself when its server comes back upgraded', async () => {
    const { page } = await openWall({ width: 1280, height: 720 });
    await page.evaluate(() => ((window as unknown as Marked).openedBefore = true));
    // The restarted server serves another build than the one on screen.
    await page.route('**/_app/version.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ version: 'upgraded' }) }));
    await dashboard.server.kill('SIGTERM');
    await page.waitForSelector('[data-stale]', { timeout: 20_000 });
    await startAgain();
    await page.waitForFunction(() => (window as unknown as Marked).openedBefore === undefined, null, { timeout: 30_000 });
    await page.waitForSelector('[data-kpi="tickets.created"]', { timeout: 15_000 });
    expect(await page.$('[data-stale]')).toBeNull();
    await page.close();
  });
});

describe("the wall's charts in the page's theme", () => {
  it("draws bars, axis text and legend in the page's colours, and in a theme's once the page's change", async () => {
    await dashboard.send([created(), created()]);
    const { page, errors } = await openWall({ width: 1920, height: 1080 }, '&lang=en');
    const canvas = '.charts section:first-child .chart canvas';
    const swatch = page.locator('.charts section:first-child header li i').first();
    await page.locator(canvas).waitFor();
    // As shipped: web/app.css's accent blue (the tickets created) and its muted grey (the axes' text).
    const shipped = ['#4da3ff', '#8a98a8'];
    const light = ['#1f5fbf', '#5b6776'];
    await expect.poll(async () => (await pixelsOf(page, canvas, shipped)).every((n) => n > 0), { timeout: 10_000 }).toBe(true);
    expect(await pixelsOf(page, canvas, light)).toEqual([0, 0]);
    expect(await swatch.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(77, 163, 255)');
    // A light theme sets the page's properties on the document element: the bars, the axis text and the legend follow.
    await page.evaluate((colours) => {
      const root = document.documentElement.style;
      root.setProperty('--accent', colours[0]);
      root.setProperty('--muted', colours[1]);
      root.setProperty('--bg', '#fafbfc');
      root.setProperty('--panel', '#ffffff');
    }, light);
    await expect.poll(() => pixelsOf(page, canvas, shipped), { timeout: 10_000 }).toEqual([0, 0]);
    expect((await pixelsOf(page, canvas, light)).every((n) => n > 0)).toBe(true);
    expect(await swatch.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(31, 95, 191)');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("the tiles' titles, read across the room", () => {
  it('draws a flagged tile’s long title at the size of the others, on two lines, whole, at 1080p and 4K', async () => {
    // A callback overdue, and one completed late: "Callbacks overdue" and "Callbacks on time" are flagged, their longest titles.
    const at = Date.now();
    const id = `late-${at}`;
    await dashboard.send([
      { id: `${id}-s1`, type: 'callback.scheduled', at: at - 20 * 60_000, callback: `${id}-1`, reason: 'complaint_followup', due: at - 10 * 60_000, team: 'wallet' },
      { id: `${id}-s2`, type: 'callback.scheduled', at: at - 20 * 60_000, callback: `${id}-2`, reason: 'complaint_followup', due: at - 10 * 60_000, team: 'wallet' },
      { id: `${id}-c2`, type: 'callback.completed', at: at - 60_000, callback: `${id}-2`, outcome: 'resolved', agent: 'li.wei' }
    ]);
    for (const size of [
      { width: 1920, height: 1080 },
      { width: 3840, height: 2160 }
    ]) {
      const { page } = await openWall(size, '&lang=en');
      await page.waitForSelector('[data-kpi="callbacks.onTimePct"] h2 .flag');
      const titles = await page.$$eval('[data-kpi] h2', (all) =>
        all.map((h) => {
          const tile = h.closest('[data-kpi]')!.getBoundingClientRect();
          const box = h.getBoundingClientRect();
          return {
            text: h.textContent!.trim(),
            px: parseFloat(getComputedStyle(h).fontSize),
            whole: h.scrollWidth <= h.clientWidth + 1 && h.scrollHeight <= h.clientHeight + 1 && box.bottom <= tile.bottom && box.right <= tile.right
          };
        })
      );
      // Flagged, they were drawn at 0.85 of the panels' titles' size, 1.05 u (20 px at 1080p): now at it, on two lines. No
      // title is smaller than 0.9 of it.
      const u = size.width / 100;
      expect(titles.filter((t) => t.px < u * 1.05 * 0.9)).toEqual([]);
      for (const kpi of ['backlog.callbacksOverdue', 'callbacks.onTimePct'])
        expect(await page.$eval(`[data-kpi="${kpi}"] h2`, (h) => [h.querySelector('.flag') !== null, parseFloat(getComputedStyle(h).fontSize)])).toEqual([true, expect.closeTo(u * 1.05, 1)]);
      expect(titles.filter((t) => !t.whole)).toEqual([]);
      await page.close();
    }
  });
});
