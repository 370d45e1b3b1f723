-- Edited by hand after drizzle-kit generate: SQLite cannot add a NOT NULL column to a table with rows, so events
-- are copied. Subjects are numbered in order of first arrival, as ingest numbers new ones.
CREATE TABLE `subjects` (
	`sid` integer PRIMARY KEY NOT NULL,
	`subject` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subjects_subject` ON `subjects` (`subject`);--> statement-breakpoint
INSERT INTO `subjects` (`subject`) SELECT `subject` FROM `events` GROUP BY `subject` ORDER BY min(`seq`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_events` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`sid` integer NOT NULL,
	`body` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_events` (`seq`, `id`, `type`, `at`, `sid`, `body`, `received_at`)
  SELECT e.`seq`, e.`id`, e.`type`, e.`at`, s.`sid`, e.`body`, e.`received_at` FROM `events` e JOIN `subjects` s ON s.`subject` = e.`subject` ORDER BY e.`seq`;--> statement-breakpoint
DROP TABLE `events`;--> statement-breakpoint
ALTER TABLE `__new_events` RENAME TO `events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `events_id` ON `events` (`id`);--> statement-breakpoint
CREATE INDEX `events_sid_at` ON `events` (`sid`,`at`);
