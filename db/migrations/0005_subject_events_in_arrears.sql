-- Edited by hand after drizzle-kit generate: WITHOUT ROWID (the key is the row), and the events already stored
-- are indexed here before the old index goes.
CREATE TABLE `subject_events` (
	`sid` integer NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`sid`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `subject_events_indexed` (
	`one` integer PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `subject_events` (`sid`, `seq`) SELECT `sid`, `seq` FROM `events` ORDER BY `sid`, `seq`;--> statement-breakpoint
INSERT INTO `subject_events_indexed` (`one`, `seq`) SELECT 1, coalesce(max(`seq`), 0) FROM `events`;--> statement-breakpoint
DROP INDEX `events_sid_at`;--> statement-breakpoint
CREATE INDEX `events_agent_status` ON `events` (`sid`,`at`) WHERE type = 'agent.status';
