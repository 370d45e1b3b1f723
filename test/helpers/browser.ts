// Debian's Chromium driven by Playwright. Playwright cannot download browsers here (nor in a user's CI).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(
      'Chromium not found: neither CHROMIUM_PATH nor /usr/bin/chromium exists. Install it with `apt-get install -y chromium` (bash .ci/run does) or set CHROMIUM_PATH.'
    );
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']
  });
}

/**
 * Throws unless a Chinese font is installed (fontconfig, which Chromium uses on Linux): without one Chromium
 * draws every character as the same empty box, and a test of how zh-CN text fits would measure boxes.
 */
export function requireCjkFont(): void {
  let families = '';
  try {
    families = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  } catch {
    // No fontconfig: no font either.
  }
  if (!families.trim())
    throw new Error('No Chinese font found (fc-list :lang=zh is empty): install one with `apt-get install -y fonts-noto-cjk` (bash .ci/run does).');
}

/** Signs `page`, showing the start page, in as the test servers' admin (ADMIN_PASSWORD test-admin-password). */
export async function signIn(page: Page): Promise<void> {
  await page.fill('input[name=password]', 'test-admin-password');
  await page.press('input[name=password]', 'Enter');
  await page.waitForSelector('a.wall');
}

/** Opens the start page at `url` on `page`, in `lang` (none: as the browser asks), and signs in there as the admin. */
export async function signInAt(page: Page, url: string, lang?: string): Promise<Page> {
  await page.goto(lang === undefined ? url : `${url}/?lang=${lang}`);
  await signIn(page);
  return page;
}

/**
 * Holds the page's requests to `pattern` until the function returned is called, then lets each go on to the server
 * (`continue`) or fails it (`abort`): a test reads what the page says while it waits, and after.
 */
export async function holdRequests(page: Page, pattern: string, then: 'continue' | 'abort'): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(pattern, async (route) => {
    await held;
    await (then === 'abort' ? route.abort() : route.continue());
  });
  return release;
}

/** Fails unless the page scrolls no way sideways and each of `selectors` ends within `width` (a phone's screen). */
export async function expectWithinWidth(page: Page, width: number, selectors: string[]): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
  for (const selector of selectors) {
    const box = (await page.locator(selector).boundingBox())!;
    expect(box.x + box.width, selector).toBeLessThanOrEqual(width);
  }
}
