// Wrong passwords, counted per address and username: guessing a password is held to a few tries a minute.

/** Wrong passwords in a row that cost nothing: a person mistyping. */
const FREE_TRIES = 5;
/** The first hold after them; each wrong password after a hold doubles it, up to MAX_HOLD_MS. */
const FIRST_HOLD_MS = 30_000;
const MAX_HOLD_MS = 15 * 60_000;
/** A name and address with no wrong password for this long starts afresh. */
const FORGET_MS = 60 * 60_000;
/** Addresses and names remembered at once; past it, the longest-quiet are forgotten first. */
const MAX_KEYS = 10_000;

interface Tries {
  wrong: number;
  last: number;
  heldUntil: number;
}

/**
 * Per address (an IPv6 address's /64: see `network`) and username, so a guesser on one machine does not lock the
 * admin out of another. Behind a
 * reverse proxy every sign-in comes from the proxy's address, and the hold then falls on the username alone:
 * X-Forwarded-For is not read, since anyone can write one to start afresh at each guess.
 */
export class LoginThrottle {
  private readonly tries = new Map<string, Tries>();

  /** Milliseconds until this address may try this name again; 0 when it may now. */
  heldFor(address: string, username: string, now: number): number {
    const t = this.entry(key(address, username), now);
    return t ? Math.max(0, t.heldUntil - now) : 0;
  }

  /** A try, counted as wrong as it begins (see the login route); `right` forgives it and every one before. */
  wrong(address: string, username: string, now: number): void {
    const k = key(address, username);
    const before = this.entry(k, now);
    const t: Tries = before && now - before.last < FORGET_MS ? before : { wrong: 0, last: now, heldUntil: 0 };
    t.wrong++;
    t.last = now;
    if (t.wrong >= FREE_TRIES) t.heldUntil = now + Math.min(MAX_HOLD_MS, FIRST_HOLD_MS * 2 ** (t.wrong - FREE_TRIES));
    // Re-inserted, so the map's order is the order of last wrong passwords and the first key is the quietest.
    this.tries.delete(k);
    this.tries.set(k, t);
    while (this.tries.size > MAX_KEYS) this.tries.delete(this.tries.keys().next().value!);
  }

  /**
   * The tries of a key, moved back with the clock when NTP has set it back since the last of them, so a hold lasts
   * no longer than it was set for. Left as they were, a 30 s hold with the clock set back three hours held a
   * person out for three hours and 30 s.
   */
  private entry(k: string, now: number): Tries | undefined {
    const t = this.tries.get(k);
    if (t && now < t.last) (t.heldUntil -= t.last - now), (t.last = now);
    return t;
  }

  right(address: string, username: string): void {
    this.tries.delete(key(address, username));
  }

  /**
   * Lifts the holds on `username` at every address: its password was just set anew (by an admin, or by its owner), and
   * the person given it must sign in with it at once, wherever the old one's wrong tries were made (kept, they were
   * told "too many wrong passwords" until that hold ran out). The count of wrong tries stays: an address that was
   * guessing gets one try of the new password, and its next wrong one is held again, as long as it would have been.
   * Forgotten, a guesser held at another address got five fresh tries, and a hold of 30 s again, at each change.
   */
  forget(username: string): void {
    const name = `\u0000${username.toLowerCase()}`;
    for (const [k, t] of this.tries) if (k.endsWith(name)) t.heldUntil = 0;
  }

  /** Passwords of a key being checked now, counted as wrong until they are known (see `wrong`). */
  private readonly checking = new Map<string, Set<Promise<unknown>>>();

  /** Counts `check` (a password being checked) as being checked until it settles. */
  track(address: string, username: string, check: Promise<unknown>): void {
    const k = key(address, username);
    const set = this.checking.get(k) ?? this.checking.set(k, new Set()).get(k)!;
    set.add(check);
    const settled = () => {
      set.delete(check);
      if (set.size === 0 && this.checking.get(k) === set) this.checking.delete(k);
    };
    check.then(settled, settled);
  }

  /**
   * Milliseconds this address may not try this name, once the passwords of it being checked now are known: a hold
   * those set while still counted as wrong is lifted should one of them be right. Refused at once, the desks signing
   * in as one name together past the fifth, or a double click after four typos, were told 'too many wrong passwords'.
   */
  async heldOnceChecked(address: string, username: string, now: () => number): Promise<number> {
    for (;;) {
      const held = this.heldFor(address, username, now());
      const set = this.checking.get(key(address, username));
      if (held === 0 || !set?.size) return held;
      await Promise.allSettled([...set]);
    }
  }
}

/** A name in other capitals is the same name to a sign-in ("Admin" is admin), and to its hold. */
const key = (address: string, username: string) => `${network(address)}\u0000${username.toLowerCase()}`;

/**
 * The network a guesser holds, as the hold counts it: an IPv6 address's /64 (a home or a server is given a whole
 * /64, and held per address a guesser took a new one at each try), an IPv4 address as itself, however the socket
 * writes it (`::ffff:10.0.0.7`).
 */
export function network(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(':')) return address;
  const bare = address.replace(/%.*$/, '').toLowerCase();
  const [head, tail] = bare.includes('::') ? bare.split('::') : [bare, undefined];
  const front = head ? head.split(':') : [];
  const back = tail ? tail.split(':') : [];
  const groups = tail === undefined ? front : [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
