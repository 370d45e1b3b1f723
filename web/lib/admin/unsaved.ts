// An admin leaving a page with changes typed and not saved is asked first: a link, back, a reload or closing the tab
// took the changes away without a word.
import { beforeNavigate } from '$app/navigation';
import { t } from '../i18n';

/** Called from a page's script: `dirty` says whether something typed is not saved. */
export function askBeforeLeavingUnsaved(dirty: () => boolean): void {
  beforeNavigate((navigation) => {
    if (!dirty()) return;
    // Leaving the app (a reload, closing the tab): cancelling makes the browser ask in its own words.
    if (navigation.type === 'leave') return navigation.cancel();
    if (!confirm(t('admin.unsaved'))) navigation.cancel();
  });
}
