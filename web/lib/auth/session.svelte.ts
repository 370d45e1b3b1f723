// Who is signed in (session cookie), and signing in and out through /api/auth.
export interface Me {
  username?: string;
  role: string;
}

export class Session {
  me = $state<Me | null>(null);
  checked = $state(false);
  error = $state<'wrong' | 'unreachable' | null>(null);
  busy = $state(false);

  async refresh(): Promise<void> {
    try {
      const res = await fetch('/api/auth/me', { cache: 'no-store' });
      this.me = res.ok ? ((await res.json()) as Me) : null;
    } catch {
      this.me = null;
    } finally {
      this.checked = true;
    }
  }

  async login(username: string, password: string): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      if (res.ok) this.me = (await res.json()) as Me;
      else this.error = 'wrong';
    } catch {
      this.error = 'unreachable';
    } finally {
      this.busy = false;
    }
  }

  async logout(): Promise<void> {
    await fetch('/api/auth/logout', { method: 'POST' }).catch(() => {});
    this.me = null;
  }
}
