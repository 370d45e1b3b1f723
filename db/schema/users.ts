import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** People who sign in with a password (scrypt hash; see api/auth). */
export const users = sqliteTable('users', {
  username: text('username').primaryKey(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ['display', 'supervisor', 'manager', 'admin'] }).notNull(),
  createdAt: integer('created_at').notNull()
});

/** Signed-in sessions; the cookie holds the token, the table only its SHA-256. */
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    username: text('username').notNull(),
    expiresAt: integer('expires_at').notNull()
  },
  (t) => [index('sessions_username').on(t.username)]
);
