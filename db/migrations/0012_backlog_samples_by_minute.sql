-- Samples older than two days are read by nothing (today's chart reads today's): a server that ran for months
-- kept every minute of them. Deleted here once, before the index is built, then by the sampler every minute.
-- Two days before the newest sample, or before now if that is earlier: a sample stamped by a clock once days
-- ahead would otherwise take today's with it.
DELETE FROM `backlog_samples` WHERE `minute` < min((SELECT max(`minute`) FROM `backlog_samples`), CAST(strftime('%s', 'now') AS INTEGER) * 1000) - 172800000;--> statement-breakpoint
CREATE INDEX `backlog_samples_minute` ON `backlog_samples` (`minute`);
