CREATE TABLE `sla_policies` (
	`effective_from` integer PRIMARY KEY NOT NULL,
	`set_by` text NOT NULL,
	`set_at` integer NOT NULL,
	`rules` text NOT NULL
);
