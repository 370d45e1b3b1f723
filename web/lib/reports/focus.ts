// Where the keyboard's focus lands after a click inside the reports. SvelteKit puts it on <body>, so a keyboard user
// who chose a team started again from the top of the page (30 Tabs back to the table), and a screen reader said
// nothing of where they now were.
import { afterNavigate } from '$app/navigation';
import type { AfterNavigate } from '@sveltejs/kit';

/** How long to wait for the element to be drawn (a list's rows come with its answer). */
const WAIT_MS = 10_000;

/** How soon before a step a key is the one that took it (Enter on a link, Alt+← for back): the browser's Back button sends none. */
const KEY_MS = 1_000;

// When a key and a pointer were last pressed, and whether the last step (a click, a form sent, back or forward) was
// taken by keyboard: decided as it is taken, so a key pressed while the next page loads is none of it. Null until
// the first step listened to: the one into the reports came before this code was loaded.
let keyAt = -Infinity;
let pointerAt = -Infinity;
let stepByKeyboard: boolean | null = null;
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  addEventListener('keydown', () => (keyAt = performance.now()), true);
  addEventListener('pointerdown', () => (pointerAt = performance.now()), true);
  const step = () => (stepByKeyboard = keyAt > pointerAt && performance.now() - keyAt < KEY_MS);
  for (const type of ['click', 'submit', 'popstate']) addEventListener(type, step, true);
}

/**
 * Focuses `target` with its ring only for a keyboard user (`:focus-visible` as the step's input says): Chromium rings
 * a focus by script after any key, so one pressed while a list loaded (an arrow, to scroll) ringed the place a click
 * had led to. The ring held back comes back at the next key, and goes with the focus. A step not listened to is left
 * to the browser's own judgement.
 */
function focusAsTaken(target: HTMLElement, keyboard: boolean | null): void {
  if (keyboard === null) return target.focus();
  target.focus({ focusVisible: keyboard } as FocusOptions);
  if (keyboard || !target.matches(':focus-visible')) return;
  target.style.outline = 'none';
  const undo = () => {
    target.style.outline = '';
    target.removeEventListener('blur', undo);
    removeEventListener('keydown', undo, true);
  };
  target.addEventListener('blur', undo);
  addEventListener('keydown', undo, true);
}

/**
 * After each navigation within the app to this page (not its first load), focuses the element `find` returns once
 * it is there: a heading or a step that says where the page now is, made focusable by script alone (tabindex -1),
 * ringed when the step was taken by keyboard. A focus the user has already moved is left where it is, and so is one
 * after a navigation `when` turns down.
 */
export function focusAfterNavigating(find: (navigation: AfterNavigate) => HTMLElement | null, when: (navigation: AfterNavigate) => boolean = () => true): void {
  listen();
  afterNavigate((navigation) => {
    if (navigation.type === 'enter' || !navigation.from || !when(navigation)) return;
    const keyboard = stepByKeyboard;
    const started = performance.now();
    const attempt = () => {
      const active = document.activeElement;
      if (active && active !== document.body) return;
      const target = find(navigation);
      if (target) {
        if (!target.matches('a[href], button, input, select, textarea, [tabindex]')) target.tabIndex = -1;
        focusAsTaken(target, keyboard);
      } else if (performance.now() - started < WAIT_MS) requestAnimationFrame(attempt);
    };
    attempt();
  });
}
