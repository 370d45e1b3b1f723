import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Bearer tokens for machines and wall displays. Only a SHA-256 of each token is stored. */
export const apiTokens = sqliteTable('api_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  role: text('role', { enum: ['ingest', 'display', 'supervisor', 'manager', 'admin'] }).notNull(),
  label: text('label').notNull(),
  createdAt: integer('created_at').notNull()
});
