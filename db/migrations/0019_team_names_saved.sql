CREATE TABLE `team_names_saved` (
	`team` text PRIMARY KEY NOT NULL,
	`set_by` text NOT NULL,
	`set_at` integer NOT NULL
);
