-- Edited by hand after drizzle-kit generate: WITHOUT ROWID on events, rollups, tickets, callbacks and agents
-- (the key holds the row: one B-tree fewer per write; drizzle-kit cannot express it).
CREATE TABLE `agents` (
	`agent` text PRIMARY KEY NOT NULL,
	`name` text,
	`name_key` text,
	`status_team` text,
	`status_team_key` text,
	`seen_team` text,
	`seen_team_key` text,
	`status` text,
	`status_key` text,
	`status_since` integer
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `backlog_samples` (
	`minute` integer NOT NULL,
	`team` text NOT NULL,
	`open` integer NOT NULL,
	`unassigned` integer NOT NULL,
	`unattended` integer NOT NULL,
	`callbacks_pending` integer NOT NULL,
	`callbacks_overdue` integer NOT NULL,
	PRIMARY KEY(`team`, `minute`)
);
--> statement-breakpoint
CREATE TABLE `callbacks` (
	`callback` text PRIMARY KEY NOT NULL,
	`scheduled_at` integer NOT NULL,
	`due` integer NOT NULL,
	`team` text,
	`agent` text,
	`reason` text NOT NULL,
	`ticket` text,
	`state` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `callbacks_pending` ON `callbacks` (`team`,`due`) WHERE state = 'pending';--> statement-breakpoint
CREATE TABLE `tickets` (
	`ticket` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`channel` text NOT NULL,
	`category` text NOT NULL,
	`priority` text NOT NULL,
	`team` text,
	`assignee` text,
	`state` text NOT NULL,
	`first_response_at` integer,
	`unattended_since` integer
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `tickets_open` ON `tickets` (`team`,`unattended_since`) WHERE state = 'open';--> statement-breakpoint
CREATE INDEX `tickets_open_assignee` ON `tickets` (`assignee`) WHERE state = 'open';--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`received_at` integer NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `events_subject_at` ON `events` (`subject`,`at`,`id`);--> statement-breakpoint
CREATE TABLE `facts` (
	`id` integer PRIMARY KEY NOT NULL,
	`subject` text NOT NULL,
	`kind` text NOT NULL,
	`at` integer NOT NULL,
	`team` text,
	`channel` text,
	`priority` text,
	`category` text,
	`agent` text,
	`value` real,
	`flag` integer DEFAULT 0 NOT NULL,
	`flag2` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `facts_at` ON `facts` (`at`,`subject`);--> statement-breakpoint
CREATE TABLE `rollups` (
	`level` integer NOT NULL,
	`dim` text NOT NULL,
	`value` text NOT NULL,
	`bucket` integer NOT NULL,
	`team` text NOT NULL,
	`created` integer DEFAULT 0 NOT NULL,
	`resolved` integer DEFAULT 0 NOT NULL,
	`reopened` integer DEFAULT 0 NOT NULL,
	`escalated` integer DEFAULT 0 NOT NULL,
	`abandoned` integer DEFAULT 0 NOT NULL,
	`fr_count` integer DEFAULT 0 NOT NULL,
	`fr_sum_ms` integer DEFAULT 0 NOT NULL,
	`fr_within` integer DEFAULT 0 NOT NULL,
	`res_count` integer DEFAULT 0 NOT NULL,
	`res_sum_ms` integer DEFAULT 0 NOT NULL,
	`csat_count` integer DEFAULT 0 NOT NULL,
	`csat_positive` integer DEFAULT 0 NOT NULL,
	`csat_sum` integer DEFAULT 0 NOT NULL,
	`cb_scheduled` integer DEFAULT 0 NOT NULL,
	`cb_attempts` integer DEFAULT 0 NOT NULL,
	`cb_connected` integer DEFAULT 0 NOT NULL,
	`cb_completed` integer DEFAULT 0 NOT NULL,
	`cb_on_time` integer DEFAULT 0 NOT NULL,
	`cb_confirmed` integer DEFAULT 0 NOT NULL,
	`fr_hist` blob,
	`res_hist` blob,
	PRIMARY KEY(`level`, `dim`, `bucket`, `value`, `team`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`label` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sessions_username` ON `sessions` (`username`);--> statement-breakpoint
CREATE TABLE `users` (
	`username` text PRIMARY KEY NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL
);
