-- Written by hand (drizzle-kit generate --custom): a sign-in reads the name in any capitals ("Admin" is admin), so a
-- second user whose name is one stored in other capitals would make it ambiguous, and is refused. Triggers rather
-- than a unique index on lower(username): a database that already holds such names (put there by hand) still
-- migrates, and each of them signs in by its name as stored. lower() folds ASCII letters, as the sign-in does.
CREATE TRIGGER `users_name_in_other_capitals_insert` BEFORE INSERT ON `users`
WHEN EXISTS (SELECT 1 FROM `users` WHERE lower(`username`) = lower(NEW.`username`))
BEGIN
	SELECT RAISE(ABORT, 'a user of this name in other capitals is stored: a sign-in reads names in any capitals');
END;--> statement-breakpoint
CREATE TRIGGER `users_name_in_other_capitals_update` BEFORE UPDATE OF `username` ON `users`
WHEN EXISTS (SELECT 1 FROM `users` WHERE lower(`username`) = lower(NEW.`username`) AND `username` <> OLD.`username`)
BEGIN
	SELECT RAISE(ABORT, 'a user of this name in other capitals is stored: a sign-in reads names in any capitals');
END;
