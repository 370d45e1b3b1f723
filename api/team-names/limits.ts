// What a team's names may be, shared by the API's validation (schema.ts) and the admin's page, which holds no zod.

/** The languages of the dashboard (web/lib/i18n): a team has at most one name in each. */
export const TEAM_NAME_LOCALES = ['en', 'zh-CN'] as const;
export type TeamNameLocale = (typeof TEAM_NAME_LOCALES)[number];
export type TeamNames = Record<TeamNameLocale, string | null>;

/** A name is read in a table's cell, a report's heading and a chart's title: longer would not fit any of them. */
export const MAX_TEAM_NAME = 60;
