// Who is signed in (session cookie), and signing in and out through /api/auth.
export interface Me {
  username?: string;
  role: string;
}

/** How long a sign-in waits for the server's answer. */
export const LOGIN_TIMEOUT_MS = 15_000;

/** How often a page shown signed in asks whether its session still holds. */
const RECHECK_MS = 60_000;

/**
 * This browser has signed in here: a wall loaded afresh once its session has gone (signed out, or 12 hours on, when
 * the browser drops the cookie too) is refused with a bare 401, and says "you were signed out" only by this.
 */
const SIGNED_IN_KEY = 'floorboard.signedIn';

export function signedInHereBefore(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN_KEY) !== null;
  } catch {
    return false; // Storage disabled: the wall says how to sign in, as to a browser that never has.
  }
}

export function rememberSignedIn(): void {
  try {
    localStorage.setItem(SIGNED_IN_KEY, '1');
  } catch {
    // See signedInHereBefore.
  }
}

export class Session {
  me = $state<Me | null>(null);
  checked = $state(false);
  /**
   * Why the last sign-in failed: refused (401), held after too many wrong passwords (429), taken for another site's
   * (403: the page's origin is not the host the server was asked for, as behind a proxy that rewrites Host), no
   * answer at all, or the server failed (a 5xx: a full disk, a busy database).
   */
  error = $state<'wrong' | 'held' | 'crossSite' | 'unreachable' | 'failed' | null>(null);
  /** The HTTP status of a failed sign-in, to quote in the message. */
  errorStatus = $state<number | null>(null);
  /** When held: the seconds the server said to wait. */
  retryAfterSec = $state<number | null>(null);
  busy = $state(false);
  /** The session this page showed ended elsewhere (signed out in another tab, or 12 hours on): the page says so. */
  ended = $state(false);
  /** The last sign-out failed: the session may well go on, so the page must not show it ended. */
  logoutFailed = $state(false);
  /** It was refused as another site's (403), as behind a proxy that rewrites Host: no retry will do. */
  logoutCrossSite = $state(false);

  async refresh(): Promise<void> {
    try {
      const res = await fetch('/api/auth/me', { cache: 'no-store' });
      // Only an answer changes who is signed in: a server that is down or failing says nothing about the session.
      if (res.ok) {
        this.me = (await res.json()) as Me;
        rememberSignedIn();
      } else if (res.status === 401 || res.status === 403) {
        if (this.me) this.ended = true;
        this.me = null;
      }
    } catch {
      // Kept as it was: see above.
    } finally {
      this.checked = true;
    }
  }

  /**
   * Asks again whenever the page is shown, and every minute while it is shown signed in: a sign-out in another tab,
   * or a session that ended while the page stood open on a desk, would otherwise leave it saying "signed in" for
   * hours. Returns its cleanup.
   */
  listen(): () => void {
    void this.refresh();
    const onShow = () => document.visibilityState === 'visible' && void this.refresh();
    document.addEventListener('visibilitychange', onShow);
    const every = setInterval(() => this.me && onShow(), RECHECK_MS);
    return () => {
      document.removeEventListener('visibilitychange', onShow);
      clearInterval(every);
    };
  }

  async login(username: string, password: string): Promise<void> {
    this.busy = true;
    this.error = null;
    this.errorStatus = null;
    // A sign-out that failed before belongs to a session that has ended since (this form shows only then).
    this.logoutFailed = false;
    try {
      // A server that never answers would leave the button disabled until a reload: after 15 s it counts as unreachable.
      const res = await fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
        signal: AbortSignal.timeout(LOGIN_TIMEOUT_MS)
      });
      if (res.ok) {
        [this.me, this.ended] = [(await res.json()) as Me, false];
        rememberSignedIn();
      } else {
        // Only a 401 says the password is wrong: a 503 (disk full) told to retype it would never get anyone in. A 403
        // comes again at every try, until whoever runs the proxy passes the page's host on. This page's JSON is refused
        // (400, 413) only for a name or password no user has: empty (a name of spaces alone), or longer than any taken.
        this.error = res.status === 401 || res.status === 400 || res.status === 413 ? 'wrong' : res.status === 429 ? 'held' : res.status === 403 ? 'crossSite' : 'failed';
        this.errorStatus = res.status;
        this.retryAfterSec = res.status === 429 ? Number(res.headers.get('retry-after')) || null : null;
      }
    } catch {
      this.error = 'unreachable';
    } finally {
      this.busy = false;
    }
  }

  async logout(): Promise<void> {
    this.busy = true;
    this.logoutFailed = false;
    this.logoutCrossSite = false;
    try {
      const res = await fetch('/api/auth/logout', { method: 'POST' });
      // A 401: no session was left to end (signed out in another tab, or expired), so signed out all the same.
      if (res.ok || res.status === 401) this.me = null;
      else {
        this.logoutFailed = true;
        this.logoutCrossSite = res.status === 403;
      }
    } catch {
      this.logoutFailed = true;
    } finally {
      this.busy = false;
    }
  }
}
