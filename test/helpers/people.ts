// Browser tests' people: a user added over the API by the test servers' admin, and a page signed in as one of them.
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';

/** Each test user's password: their name and a suffix, 12 characters or more as the server asks. */
export const passwordOf = (username: string) => `${username}-password-1`;

/** Adds `username` with `role` over the API, as the test servers' admin (ADMIN_PASSWORD test-admin-password). */
export async function addUser(url: string, username: string, role: string, password = passwordOf(username)): Promise<void> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'test-admin-password' })
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const res = await fetch(`${url}/api/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ username, password, role })
  });
  expect(res.status).toBe(201);
}

/**
 * A page of a new browser context (downloads allowed), signed in as `username` on the start page in `lang`; `device`
 * adds to the context's options (a phone's `{ hasTouch: true, isMobile: true }`); `password` for a user added with
 * one of their own.
 */
export async function signedInAs(
  browser: Browser,
  url: string,
  username: string,
  lang = 'en',
  viewport = { width: 1920, height: 1080 },
  device: BrowserContextOptions = {},
  password = passwordOf(username)
): Promise<Page> {
  const context = await browser.newContext({ viewport, acceptDownloads: true, ...device });
  const page = await context.newPage();
  await page.goto(`${url}/?lang=${lang}`);
  await signInWith(page, username, password);
  return page;
}

/** Signs `page`, showing the start page, in as `username` with `password`, and waits for the way on to the wall. */
export async function signInWith(page: Page, username: string, password: string): Promise<void> {
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.press('input[name=password]', 'Enter');
  await page.locator('a.wall').waitFor({ timeout: 15_000 });
}

/** PUTs `targets` (KPI path → thresholds, null for the default) as the admin signed in on `admin`, who must be let. */
export async function putTargets(admin: Page, targets: Record<string, { warn: number; critical: number } | null>): Promise<void> {
  const status = await admin.evaluate(
    async (body) => (await fetch('/api/targets', { method: 'PUT', headers: { 'content-type': 'application/json' }, body })).status,
    JSON.stringify(targets)
  );
  expect(status).toBe(200);
}
