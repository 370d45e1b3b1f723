-- Edited by hand after drizzle-kit generate: WITHOUT ROWID (the key is the row).
CREATE TABLE `rollup_stale` (
	`level` integer NOT NULL,
	`bucket` integer NOT NULL,
	PRIMARY KEY(`level`, `bucket`)
) WITHOUT ROWID;
