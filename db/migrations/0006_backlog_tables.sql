-- Edited by hand after drizzle-kit generate: WITHOUT ROWID (drizzle-kit cannot express it), and the open
-- tickets and pending callbacks copied from the tables that held every ticket and callback (dropped in 0007).
CREATE TABLE `open_tickets` (
	`ticket` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`channel` text NOT NULL,
	`category` text NOT NULL,
	`priority` text NOT NULL,
	`team` text,
	`assignee` text,
	`first_response_at` integer,
	`unattended_since` integer
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `open_tickets` SELECT `ticket`, `created_at`, `channel`, `category`, `priority`, `team`, `assignee`, `first_response_at`, `unattended_since`
  FROM `tickets` WHERE `state` = 'open';
--> statement-breakpoint
CREATE TABLE `pending_callbacks` (
	`callback` text PRIMARY KEY NOT NULL,
	`scheduled_at` integer NOT NULL,
	`due` integer NOT NULL,
	`team` text,
	`agent` text,
	`reason` text NOT NULL,
	`ticket` text
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `pending_callbacks` SELECT `callback`, `scheduled_at`, `due`, `team`, `agent`, `reason`, `ticket`
  FROM `callbacks` WHERE `state` = 'pending';
