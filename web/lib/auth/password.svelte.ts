// A signed-in person changing their own password (POST /api/auth/password): what went wrong, by field, in the page's words.
import { formatDuration, t } from '../i18n';

/** api/users/schema.ts MIN_PASSWORD_CHARS: an admin-set password's rules are the new one's. */
export const MIN_PASSWORD_CHARS = 12;

export type PasswordField = 'currentPassword' | 'newPassword' | 'repeat' | '';

export class PasswordChange {
  busy = $state(false);
  /** What is wrong, at the field it belongs to ('' for the form as a whole). */
  faults = $state<Partial<Record<PasswordField, string>>>({});
  /** The change was made: this session goes on, the person's others have ended. */
  changed = $state(false);

  async submit(currentPassword: string, newPassword: string, repeat: string): Promise<boolean> {
    this.changed = false;
    // The repeat is the page's own check: the server never sees it.
    const early: typeof this.faults = {};
    if (currentPassword === '') early.currentPassword = t('account.currentEmpty');
    if (newPassword.length < MIN_PASSWORD_CHARS) early.newPassword = t('account.newShort', { min: MIN_PASSWORD_CHARS });
    else if (repeat !== newPassword) early.repeat = t('account.repeatDiffers');
    if (Object.keys(early).length) return void (this.faults = early), false;
    this.busy = true;
    try {
      const res = await fetch('/api/auth/password', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ currentPassword, newPassword })
      }).catch(() => null);
      const answer = (await res?.json().catch(() => null)) as { error?: string; message?: string; errors?: { path: string; message: string }[] } | null;
      if (res?.ok) {
        this.faults = {};
        this.changed = true;
        return true;
      }
      this.faults = refusal(res, answer);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

/** A refusal in the page's words; the server's own (English) only for one the page does not know. */
function refusal(res: Response | null, answer: { error?: string; message?: string; errors?: { path: string; message: string }[] } | null): PasswordChange['faults'] {
  if (!res) return { '': t('account.noAnswer') };
  if (res.status === 401) return { '': t('account.signedOut') };
  if (res.status === 429) return { currentPassword: t('account.held', { wait: formatDuration(Number(res.headers.get('retry-after')) || 30) }) };
  if (res.status === 400 && Array.isArray(answer?.errors)) {
    const faults: PasswordChange['faults'] = {};
    for (const e of answer.errors) {
      const field: PasswordField = e.path === 'currentPassword' || e.path === 'newPassword' ? e.path : '';
      faults[field] = fieldWords(field, e.message);
    }
    return faults;
  }
  if (res.status === 503 && answer?.error === 'restart_needed') return { '': t('account.restartNeeded') };
  const wait = Number(res.headers.get('retry-after'));
  if (res.status === 503 && answer?.error === 'unavailable' && wait > 0) return { '': t('admin.busy', { wait: formatDuration(wait) }) };
  return { '': answer?.message ?? t('account.failed', { status: res.status }) };
}

/** A 400's fault at a field, by what the server said of it. */
function fieldWords(field: PasswordField, message: string): string {
  if (field === 'currentPassword' && /is not your current password/.test(message)) return t('account.currentWrong');
  if (field === 'currentPassword' && /is empty|required/.test(message)) return t('account.currentEmpty');
  if (field === 'newPassword' && /at least \d+ characters/.test(message)) return t('account.newShort', { min: MIN_PASSWORD_CHARS });
  if (field === 'newPassword' && /at most \d+ characters/.test(message)) return t('account.newLong');
  if (field === 'newPassword' && /is the password you have now/.test(message)) return t('account.newSame');
  return message;
}
