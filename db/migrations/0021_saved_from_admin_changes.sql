DROP TABLE `kpi_targets_saved`;--> statement-breakpoint
DROP TABLE `team_names_saved`;