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
