// What a person reads on the wall's boards, measured in the page.
import type { Page } from 'playwright-core';

/** A board's column headings as read, each with "(cut)" after it where its text does not fit its box, its row or its table. */
export const columnHeadings = (page: Page): Promise<string[]> =>
  page.$$eval('[role=table] [role=columnheader]', (all) => {
    const range = document.createRange();
    return all.map((el) => {
      const row = el.parentElement!.getBoundingClientRect();
      const table = el.closest('[role=table]')!.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      const cut =
        [el, ...el.querySelectorAll('.target')].some((part) => {
          range.selectNodeContents(part);
          const text = range.getBoundingClientRect();
          const own = part.getBoundingClientRect();
          return part.scrollWidth > part.clientWidth + 1 || text.left < own.left - 0.5 || text.right > own.right + 0.5 || text.bottom > row.bottom + 0.5;
        }) ||
        box.left < table.left - 0.5 ||
        box.right > table.right + 0.5;
      return `${(el as HTMLElement).innerText.replace(/\s+/g, ' ').trim()}${cut ? ' (cut)' : ''}`;
    });
  });
