import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Bearer tokens for machines and wall displays. Only a SHA-256 of each token is stored. */
export const apiTokens = sqliteTable('api_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  role: text('role', { enum: ['ingest', 'display', 'supervisor', 'manager', 'admin'] }).notNull(),
  label: text('label').notNull(),
  createdAt: integer('created_at').notNull(),
  // When a request last came with the token (null: never since migration 0016), so an admin can tell a token still
  // in use from one left on a retired TV. Written at most once a minute a token (auth/credentials.ts).
  lastUsedAt: integer('last_used_at')
});
