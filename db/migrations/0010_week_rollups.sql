-- Week rollup rows (level 3: 7 UTC days from a Thursday, aligned to the epoch) are summed from day rows by
-- compaction, as days are from hours. A database from before them has none, so every week that holds a day
-- (its rows, or its stale mark) is marked stale here: queries read its days until compaction has summed it.
INSERT OR IGNORE INTO `rollup_stale` (`level`, `bucket`, `first_marked_at`, `marked_at`)
SELECT DISTINCT 3, (`bucket` / 604800000 - (`bucket` % 604800000 < 0)) * 604800000, 0, 0
FROM (SELECT `bucket` FROM `rollups` WHERE `level` = 2 UNION ALL SELECT `bucket` FROM `rollup_stale` WHERE `level` = 2);
