// An admin coming back to a page's tab (from another tab, another window) is shown what other admins changed
// meanwhile, where the page showed it only after a reload.
import { onMount } from 'svelte';
import { onTabReturn } from '../tab-return';

/** Called from a page's script: `readAgain` runs each time the tab comes back into view or its window takes the focus. */
export function readAgainOnTabReturn(readAgain: () => void): void {
  onMount(() => onTabReturn(readAgain));
}
