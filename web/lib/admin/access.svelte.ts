// The admin's view of who may see the dashboard: the users (GET/POST /api/users, PATCH/DELETE /api/users/:username)
// and the tokens of walls and machines (GET/POST /api/tokens, DELETE /api/tokens/:id).
import type { Role } from '../../../api/auth/credentials';
import type { Token } from '../../../api/tokens/store';
import type { UserRole } from '../../../api/users/schema';
import type { User } from '../../../api/users/store';
import { t } from '../i18n';
import { kpiTimezone } from '../live/timezone';
import { adminStatus, faultsOf, sendJson, type Faults, type Sent } from './request';

// The API's lists, which the page cannot import (their modules load node's): a record by the API's type, so a role
// added or taken away there fails the type check here.
const USER_ROLE_SET: Record<UserRole, true> = { display: true, supervisor: true, manager: true, admin: true };
const TOKEN_ROLE_SET: Record<Role, true> = { ingest: true, display: true, supervisor: true, manager: true, admin: true };
export const USER_ROLES = Object.keys(USER_ROLE_SET) as UserRole[];
export const TOKEN_ROLES = Object.keys(TOKEN_ROLE_SET) as Role[];
/** api/auth/credentials.ts FROM_SETTING: the label of the ingest token the INGEST_TOKEN setting names. */
const FROM_SETTING = 'INGEST_TOKEN';
/** api/users/schema.ts MIN_PASSWORD_CHARS, said up front on the form; the server's 400 says it too. */
export const MIN_PASSWORD_CHARS = 12;
/** The longest a password, a user's name and a token's label may be (api/config.ts, api/users/schema.ts, api/tokens/schema.ts). */
const MAX_PASSWORD_CHARS = 1024;
const MAX_USERNAME_CHARS = 64;
const MAX_LABEL_CHARS = 100;

const WORDS = { noAnswer: 'access.noAnswer', signedOut: 'access.signedOut', busy: 'admin.busy' } as const;


/**
 * The faults the page can say in its own words, in the page's language, by what was typed: a password too short, a
 * name or label left empty. Any other keeps the server's words (English), which say what is wrong.
 */
function inPageWords(faults: Faults, typed: { username?: string; password?: string; label?: string }): Faults {
  const out = { ...faults };
  if (out.password && typed.password !== undefined && typed.password.length < MIN_PASSWORD_CHARS) out.password = t('access.passwordShort', { min: MIN_PASSWORD_CHARS });
  else if (out.password && /must be at most/.test(out.password)) out.password = t('access.passwordLong', { max: MAX_PASSWORD_CHARS });
  if (out.username && typed.username?.trim() === '') out.username = t('access.usernameEmpty');
  else if (out.username && /must be at most/.test(out.username)) out.username = t('access.usernameLong', { max: MAX_USERNAME_CHARS });
  else if (out.username && /control characters/.test(out.username)) out.username = t('access.controlCharacters');
  if (out.label && typed.label?.trim() === '') out.label = t('access.labelEmpty');
  else if (out.label && /must be at most/.test(out.label)) out.label = t('access.labelLong', { max: MAX_LABEL_CHARS });
  else if (out.label && /control characters/.test(out.label)) out.label = t('access.controlCharacters');
  else if (out.label && /the label the server gives tokens/.test(out.label)) out.label = t('access.labelReserved', { label: typed.label!.trim() });
  return out;
}

/** A change of a user refused: the last admin's 409 in the page's words, any other fault as told. */
function userRefusal(sent: Extract<Sent, { ok: false }>, username: string, typed: { password?: string } = {}): string {
  if (sent.status === 409) return t('access.lastAdmin', { user: username });
  // Deleted meanwhile, in another tab or by another admin.
  if (sent.status === 404) return t('access.userGone', { user: username });
  return Object.values(inPageWords(faultsOf(sent), typed)).join(' ');
}

/** GET /api/users and /api/tokens: both lists, or the status that says why not (0: no answer; 502: an answer that was not them). */
async function readLists(): Promise<{ ok: true; status: 200; users: User[]; tokens: Token[] } | { ok: false; status: number }> {
  const [users, tokens] = await Promise.all(['/api/users', '/api/tokens'].map((url) => fetch(url, { cache: 'no-store' }).catch(() => null)));
  const [u, k] = await Promise.all([users?.json().catch(() => null), tokens?.json().catch(() => null)]);
  // A 200 that is not the lists (a proxy's page) is a server that could not answer, as a 5xx is.
  const bad = [users, tokens].find((r) => !r?.ok);
  if (bad !== undefined) return { ok: false, status: bad?.status ?? 0 };
  return Array.isArray(u?.users) && Array.isArray(k?.tokens) ? { ok: true, status: 200, users: u.users, tokens: k.tokens } : { ok: false, status: 502 };
}

export class AccessEditor {
  users = $state<User[]>([]);
  tokens = $state<Token[]>([]);
  /** null: loading; else the answer's status (200, or 401/403 for a visitor who is not a signed-in admin). */
  status = $state<number | null>(null);
  busy = $state(false);
  /** What went wrong, or was done, in one row: by username, or by token id. */
  rowFaults = $state<Record<string, string>>({});
  rowDone = $state<Record<string, string>>({});
  /** The add-user and create-token forms' faults, by field ('' for the form). */
  userFaults = $state<Faults>({});
  tokenFaults = $state<Faults>({});
  /** The zone the centre's times are in (KPI_TIMEZONE), where the server said it; else (null) the browser's own. */
  timezone = $state<string | null>(null);
  /** The token just created, with its secret: shown once, until the admin says it is copied or leaves the page. */
  created = $state<(Token & { token: string }) | null>(null);

  /** Counts this page's changes sent and its reads of the lists: only the latest read is shown, and only if no change was sent since it began. */
  #sent = 0;
  #reads = 0;

  async load(): Promise<void> {
    const status = await adminStatus();
    if (status !== 200) return void (this.status = status);
    const zone = kpiTimezone().then((z) => (this.timezone = z));
    const lists = await readLists();
    await zone;
    this.status = lists.status;
    if (!lists.ok) return;
    this.users = lists.users;
    this.tokens = lists.tokens;
  }

  /**
   * Reads the lists again, for users and tokens another admin added, changed or revoked since (the admin came back to
   * the tab, or saved here). What is typed on the page is the page's, so it stays; a read that fails keeps the lists
   * shown, save a 401 or 403 (signed out, or no longer an admin), which the page then says.
   */
  async refresh(): Promise<void> {
    if (this.status !== 200) return;
    const sent = this.#sent;
    const read = ++this.#reads;
    const lists = await readLists();
    if (read !== this.#reads || sent !== this.#sent) return;
    if (lists.status === 401 || lists.status === 403) return void (this.status = lists.status);
    if (!lists.ok) return;
    this.users = lists.users;
    this.tokens = lists.tokens;
  }

  /** Sends one change; the forms' buttons wait meanwhile. Then reads the lists again, for what other admins did. */
  private async run(url: string, method: 'POST' | 'PATCH' | 'DELETE', body: unknown): Promise<Sent> {
    this.busy = true;
    this.#sent++;
    try {
      return await sendJson(url, method, body, WORDS);
    } finally {
      this.busy = false;
      // Read while the caller shows this change's answer; a read begun before it is not shown.
      void this.refresh();
    }
  }

  /** What a row says: its fault, or what was just done in it (either replaces the other). */
  private rowSaid(key: string, fault: string | null, done?: string): void {
    const { [key]: _f, ...faults } = this.rowFaults;
    const { [key]: _d, ...dones } = this.rowDone;
    this.rowFaults = fault ? { ...faults, [key]: fault } : faults;
    this.rowDone = done ? { ...dones, [key]: done } : dones;
  }

  async addUser(username: string, password: string, role: string, added: string): Promise<boolean> {
    const sent = await this.run('/api/users', 'POST', { username, password, role });
    if (!sent.ok) {
      // A name taken (409) is the name's fault.
      this.userFaults = sent.status === 409 ? { username: t('access.nameTaken') } : inPageWords(faultsOf(sent), { username, password });
      return false;
    }
    this.userFaults = {};
    const user = sent.answer as User;
    this.users = [...this.users, user];
    this.rowSaid(user.username, null, added);
    return true;
  }

  /** A new role for `username`; refused (the last admin's 409), the row keeps the role stored and says why. */
  async setRole(username: string, role: string, done: (user: User) => string): Promise<boolean> {
    const sent = await this.run(`/api/users/${encodeURIComponent(username)}`, 'PATCH', { role });
    if (!sent.ok) {
      this.rowSaid(username, userRefusal(sent, username));
      return false;
    }
    const user = sent.answer as User;
    this.users = this.users.map((u) => (u.username === user.username ? user : u));
    this.rowSaid(username, null, done(user));
    // Admins who made themselves something else may manage no more: the page says so, not each refusal after.
    if (user.role !== 'admin' && (await adminStatus()) === 403) this.status = 403;
    return true;
  }

  async setPassword(username: string, password: string, done: string): Promise<boolean> {
    const sent = await this.run(`/api/users/${encodeURIComponent(username)}`, 'PATCH', { password });
    if (!sent.ok) {
      this.rowSaid(username, userRefusal(sent, username, { password }));
      return false;
    }
    this.rowSaid(username, null, done);
    return true;
  }

  async deleteUser(username: string): Promise<void> {
    const sent = await this.run(`/api/users/${encodeURIComponent(username)}`, 'DELETE', undefined);
    // Deleted, or found deleted already (404, in another tab): either way it is gone.
    if (sent.ok || sent.status === 404) {
      this.users = this.users.filter((u) => u.username !== username);
      this.rowSaid(username, null);
    } else this.rowSaid(username, userRefusal(sent, username));
  }

  async createToken(label: string, role: string): Promise<boolean> {
    const sent = await this.run('/api/tokens', 'POST', { label, role });
    if (!sent.ok) {
      this.tokenFaults = inPageWords(faultsOf(sent), { label });
      return false;
    }
    this.tokenFaults = {};
    this.created = sent.answer as Token & { token: string };
    const { token: _secret, ...listed } = this.created;
    this.tokens = [...this.tokens, listed];
    return true;
  }

  async revokeToken(id: string): Promise<void> {
    const sent = await this.run(`/api/tokens/${id}`, 'DELETE', undefined);
    if (sent.ok || sent.status === 404) {
      this.tokens = this.tokens.filter((k) => k.id !== id);
      this.rowSaid(id, null);
      if (this.created?.id === id) this.created = null;
    } else this.rowSaid(id, this.revokeRefusal(sent, id));
  }

  /** The INGEST_TOKEN setting's token's 409 in the page's words (tokens/store.ts, revokeToken); any other as told. */
  private revokeRefusal(sent: Extract<Sent, { ok: false }>, id: string): string {
    const token = this.tokens.find((k) => k.id === id);
    if (sent.status !== 409 || !token) return sent.fault;
    if (token.label === FROM_SETTING) return t('access.fromSetting');
    const message = (sent.answer as { message?: unknown } | null)?.message;
    return typeof message === 'string' && /is the last ingest token/.test(message) ? t('access.lastIngest') : sent.fault;
  }
}
