CREATE TABLE `team_names` (
	`team` text NOT NULL,
	`locale` text NOT NULL,
	`name` text NOT NULL,
	`set_by` text NOT NULL,
	`set_at` integer NOT NULL,
	PRIMARY KEY(`team`, `locale`)
);
