// An admin page asked to be left: what it asks (its confirm dialogs), and whether it has the browser ask first.
import type { Page } from 'playwright-core';

/** Every question `page` asks from now on, in order; each answered "stay" (dismissed). */
export function questionsAsked(page: Page): string[] {
  const asked: string[] = [];
  page.on('dialog', (dialog) => {
    asked.push(dialog.message());
    void dialog.dismiss();
  });
  return asked;
}

/** Whether a reload or closing the tab would have the browser ask first (headless Chromium shows no such dialog to a script). */
export const unloadBlocked = (page: Page): Promise<boolean> =>
  page.evaluate(() => {
    const unload = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(unload);
    return unload.defaultPrevented;
  });
