CREATE TABLE `kpi_targets_saved` (
	`id` integer PRIMARY KEY NOT NULL,
	`set_by` text NOT NULL,
	`set_at` integer NOT NULL
);
