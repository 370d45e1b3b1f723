import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The names an admin gave a team, one row per team and language (api/team-names/schema.ts names the languages).
 * Events, filters, URLs and exports go on using the team's code (`team`); only screens show its name. A team
 * without a row in a language is shown by its code there.
 */
export const teamNames = sqliteTable(
  'team_names',
  {
    /** The team's code, as events carry it. */
    team: text('team').notNull(),
    /** `en` or `zh-CN`. */
    locale: text('locale').notNull(),
    name: text('name').notNull(),
    /** Who set it (the admin's name, or "admin token"), and when (epoch ms, the server's clock). */
    setBy: text('set_by').notNull(),
    setAt: integer('set_at').notNull()
  },
  (t) => [primaryKey({ columns: [t.team, t.locale] })]
);
