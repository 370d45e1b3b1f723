// API tokens as an admin manages them (routes/tokens.ts): only a token's SHA-256 is stored, and its first
// ID_CHARS hex characters name it. Each change one IMMEDIATE transaction, committed before the answer.
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/open';
import { apiTokens } from '../../db/index';
import { createToken, forgetTokenRoles, FROM_SETTING, sha256, type Role } from '../auth/credentials';
import { recordAdminChange, type ChangedBy } from '../admin-changes/record';
import { ID_CHARS } from './schema';

export interface Token {
  id: string;
  role: Role;
  label: string;
  createdAt: number;
  /** When a request last came with it (to the minute: auth/credentials.ts); null for never. */
  lastUsedAt: number | null;
}

const idOf = sql<string>`substr(${apiTokens.tokenHash}, 1, ${ID_CHARS})`;
const shown = { id: idOf, role: apiTokens.role, label: apiTokens.label, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt };

export function listTokens(db: Db): Token[] {
  return db.select(shown).from(apiTokens).orderBy(asc(apiTokens.createdAt), asc(apiTokens.label)).all();
}

/** A new token: the secret, which is shown once and stored only as its hash, and what GET /api/tokens lists of it. */
export function addToken(db: Db, role: Role, label: string, by: ChangedBy): Token & { token: string } {
  const token = db.$client
    .transaction(() => {
      const secret = createToken(db, role, label, by.at);
      // The history names it by its id, never the secret.
      recordAdminChange(db.$client, by, 'token', sha256(secret).slice(0, ID_CHARS), null, { role, label });
      return secret;
    })
    .immediate();
  return { token, id: sha256(token).slice(0, ID_CHARS), role, label, createdAt: by.at, lastUsedAt: null };
}

/** Why a revoke was refused, in words an admin acts on; `unknown` for no token of that id. */
export type RevokeRefusal = { unknown: true } | { conflict: string };

/**
 * Deletes the token `id` names, which stops working at once (its role is no longer remembered: credentials.ts).
 * Refused: the last ingest token (every sender would stop, told only that its token is not accepted) and the one
 * INGEST_TOKEN names (the next start would make it again).
 */
export function revokeToken(db: Db, id: string, by: ChangedBy): { revoked: Token } | RevokeRefusal {
  const done = db.$client
    .transaction((): { revoked: Token } | RevokeRefusal => {
      const found = db.select({ ...shown, hash: apiTokens.tokenHash }).from(apiTokens).where(eq(idOf, id)).limit(2).all();
      if (found.length === 0) return { unknown: true };
      if (found.length > 1) return { conflict: `two tokens share the id ${id}, so it names neither: none was revoked` };
      const [{ hash, ...token }] = found;
      if (token.label === FROM_SETTING)
        return {
          conflict: `${id} is the ingest token the INGEST_TOKEN setting names: revoked here, the next start would accept it again. Set INGEST_TOKEN to a new value (or remove it) and restart, which revokes it.`
        };
      const ingest = db.select({ n: sql<number>`count(*)` }).from(apiTokens).where(eq(apiTokens.role, 'ingest')).get()!.n;
      if (token.role === 'ingest' && ingest === 1)
        return {
          conflict: `${id} is the last ingest token: revoked, every machine posting events would be refused. Create another first (POST /api/tokens {"role":"ingest","label"}), give it to the senders, then revoke this one.`
        };
      db.delete(apiTokens).where(eq(apiTokens.tokenHash, hash)).run();
      recordAdminChange(db.$client, by, 'token', token.id, { role: token.role, label: token.label }, null);
      return { revoked: token };
    })
    .immediate();
  if ('revoked' in done) forgetTokenRoles(db);
  return done;
}
