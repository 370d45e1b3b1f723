DROP INDEX `tickets_open_assignee`;--> statement-breakpoint
DROP INDEX `tickets_open`;--> statement-breakpoint
CREATE INDEX `tickets_open` ON `tickets` (`team`,`assignee`,`unattended_since`,`channel`,`priority`,`category`) WHERE state = 'open';--> statement-breakpoint
DROP INDEX `callbacks_pending`;--> statement-breakpoint
CREATE INDEX `callbacks_pending` ON `callbacks` (`team`,`agent`,`due`) WHERE state = 'pending';