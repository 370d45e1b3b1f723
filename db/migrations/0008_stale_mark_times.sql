ALTER TABLE `rollup_stale` ADD `first_marked_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_stale` ADD `marked_at` integer DEFAULT 0 NOT NULL;