CREATE TABLE `kpi_targets` (
	`kpi` text PRIMARY KEY NOT NULL,
	`warn` real NOT NULL,
	`critical` real NOT NULL,
	`set_by` text NOT NULL,
	`set_at` integer NOT NULL
);
