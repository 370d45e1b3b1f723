// A table's sideways scroll area that a keyboard can reach. Chromium makes a scroller a tab stop only when nothing in it
// is focusable, and a table's first column holds links: Tab went from link to link down that column, and the columns
// past the right edge could be seen only with a pointer.
import type { Attachment } from 'svelte/attachments';

/** Makes `node` a tab stop while its content is wider than it (its arrow keys then scroll it), and none once it fits. */
export const keyboardScroll: Attachment<HTMLElement> = (node) => {
  const update = () => {
    if (node.scrollWidth > node.clientWidth) node.tabIndex = 0;
    else node.removeAttribute('tabindex');
  };
  // The area's own width changes with the window's, its content's as rows and names come.
  const observer = new ResizeObserver(update);
  observer.observe(node);
  for (const child of node.children) observer.observe(child);
  update();
  return () => observer.disconnect();
};
