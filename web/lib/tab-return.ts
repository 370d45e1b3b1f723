// A user coming back to a page's tab (from another tab, another window) is shown what changed meanwhile, where the
// page showed it only after a reload: the admin pages (admin/tab-return.ts) and the reports' team names.

/** Calls `back` each time the tab comes back into view or its window takes the focus; returns the cleanup. */
export function onTabReturn(back: () => void): () => void {
  const listener = () => void (document.visibilityState === 'visible' && back());
  document.addEventListener('visibilitychange', listener);
  addEventListener('focus', listener);
  return () => {
    document.removeEventListener('visibilitychange', listener);
    removeEventListener('focus', listener);
  };
}
