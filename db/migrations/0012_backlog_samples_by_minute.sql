-- Samples older than two days are read by nothing (today's chart reads today's): a server that ran for months
-- kept every minute of them. Deleted here once, before the index is built, then by the sampler every minute.
DELETE FROM `backlog_samples` WHERE `minute` < (SELECT max(`minute`) FROM `backlog_samples`) - 172800000;--> statement-breakpoint
CREATE INDEX `backlog_samples_minute` ON `backlog_samples` (`minute`);
