// An admin leaving a page with changes typed and not saved is asked first: a link, back, a reload or closing the tab
// took the changes away without a word.
import { beforeNavigate } from '$app/navigation';
import { t, type MessageKey } from '../i18n';

/**
 * Called from a page's script: `unsaved` says whether something would be lost by leaving (true: changes typed and
 * not saved), or names the question to ask; false to leave without asking.
 */
export function askBeforeLeavingUnsaved(unsaved: () => boolean | MessageKey): void {
  beforeNavigate((navigation) => {
    const ask = unsaved();
    if (ask === false) return;
    // Leaving the app (a reload, closing the tab): cancelling makes the browser ask in its own words.
    if (navigation.type === 'leave') return navigation.cancel();
    if (!confirm(t(ask === true ? 'admin.unsaved' : ask))) navigation.cancel();
  });
}
