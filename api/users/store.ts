// Users as an admin manages them (routes/users.ts): each change one IMMEDIATE transaction on the main thread's
// connection, so it is committed before the answer, and the checks it makes (a name taken, the last admin) hold.
import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/open';
import { sessions, users } from '../../db/index';
import { sha256, userNamed } from '../auth/credentials';
import { recordAdminChange, type ChangedBy } from '../admin-changes/record';
import type { UserRole } from './schema';

export interface User {
  username: string;
  role: UserRole;
  createdAt: number;
}

const shown = { username: users.username, role: users.role, createdAt: users.createdAt };

export function listUsers(db: Db): User[] {
  return db.select(shown).from(users).orderBy(asc(users.createdAt), asc(users.username)).all();
}

/** Why a change was refused: no such user, or it would leave no admin (nobody could manage the server). */
export type Refusal = { unknown: true } | { lastAdmin: string };

const admins = (db: Db) => db.select({ n: sql<number>`count(*)` }).from(users).where(eq(users.role, 'admin')).get()!.n;

function lastAdmin(db: Db, user: { username: string; role: UserRole }): Refusal | null {
  return user.role === 'admin' && admins(db) === 1 ? { lastAdmin: user.username } : null;
}

/** Stores the user; or names the user already stored under that name in any capitals (a sign-in could not tell them apart). */
export function addUser(db: Db, user: User & { passwordHash: string }, by: ChangedBy): { added: User } | { taken: string } {
  return db.$client
    .transaction(() => {
      const other = db.select({ username: users.username }).from(users).where(sql`lower(${users.username}) = lower(${user.username})`).get();
      if (other) return { taken: other.username };
      db.insert(users).values(user).run();
      recordAdminChange(db.$client, by, 'user', user.username, null, { role: user.role });
      return { added: db.select(shown).from(users).where(eq(users.username, user.username)).get()! };
    })
    .immediate();
}

/**
 * A new role (read by the user's next request: a session finds its role in `users`) and a new password, which ends
 * the user's sessions but `keep` (the caller's own, when admins change their own password). Recorded in the admin
 * change history when an admin made it (`by`): a new password as changed, never the password.
 */
export function changeUser(db: Db, name: string, change: { role?: UserRole; passwordHash?: string }, keep?: string, by?: ChangedBy): { changed: User } | Refusal {
  return db.$client
    .transaction(() => {
      const user = userNamed(db, name);
      if (!user) return { unknown: true as const };
      if (change.role !== undefined && change.role !== 'admin') {
        const refused = lastAdmin(db, user);
        if (refused) return refused;
      }
      const set = { ...(change.role && { role: change.role }), ...(change.passwordHash && { passwordHash: change.passwordHash }) };
      db.update(users).set(set).where(eq(users.username, user.username)).run();
      const password = change.passwordHash ? { password: 'changed' } : {};
      if (by) recordAdminChange(db.$client, by, 'user', user.username, { role: user.role }, { role: change.role ?? user.role, ...password });
      if (change.passwordHash) {
        const theirs = eq(sessions.username, user.username);
        db.delete(sessions).where(keep === undefined ? theirs : and(theirs, ne(sessions.tokenHash, sha256(keep)))).run();
      }
      return { changed: db.select(shown).from(users).where(eq(users.username, user.username)).get()! };
    })
    .immediate();
}

/** Deletes the user and ends their sessions. */
export function deleteUser(db: Db, name: string, by: ChangedBy): { deleted: string } | Refusal {
  return db.$client
    .transaction(() => {
      const user = userNamed(db, name);
      if (!user) return { unknown: true as const };
      const refused = lastAdmin(db, user);
      if (refused) return refused;
      db.delete(sessions).where(eq(sessions.username, user.username)).run();
      db.delete(users).where(eq(users.username, user.username)).run();
      recordAdminChange(db.$client, by, 'user', user.username, { role: user.role }, null);
      return { deleted: user.username };
    })
    .immediate();
}
