DROP TABLE `callbacks`;--> statement-breakpoint
DROP TABLE `tickets`;