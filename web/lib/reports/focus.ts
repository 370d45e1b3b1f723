// Where the keyboard's focus lands after a click inside the reports. SvelteKit puts it on <body>, so a keyboard user
// who chose a team started again from the top of the page (30 Tabs back to the table), and a screen reader said
// nothing of where they now were.
import { afterNavigate } from '$app/navigation';
import type { AfterNavigate } from '@sveltejs/kit';

/** How long to wait for the element to be drawn (a list's rows come with its answer). */
const WAIT_MS = 10_000;

/**
 * After each navigation within the app to this page (not its first load), focuses the element `find` returns once
 * it is there: a heading or a step that says where the page now is, made focusable by script alone (tabindex -1).
 * A focus the user has already moved is left where it is, and so is one after a navigation `when` turns down.
 */
export function focusAfterNavigating(find: (navigation: AfterNavigate) => HTMLElement | null, when: (navigation: AfterNavigate) => boolean = () => true): void {
  afterNavigate((navigation) => {
    if (navigation.type === 'enter' || !navigation.from || !when(navigation)) return;
    const started = performance.now();
    const attempt = () => {
      const active = document.activeElement;
      if (active && active !== document.body) return;
      const target = find(navigation);
      if (target) {
        if (!target.matches('a[href], button, input, select, textarea, [tabindex]')) target.tabIndex = -1;
        target.focus();
      } else if (performance.now() - started < WAIT_MS) requestAnimationFrame(attempt);
    };
    attempt();
  });
}
