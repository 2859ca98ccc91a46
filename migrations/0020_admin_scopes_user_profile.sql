ALTER TABLE `client_scopes` ADD `description` text;--> statement-breakpoint
ALTER TABLE `credentials` ADD `user_label` text;--> statement-breakpoint
ALTER TABLE `realms` ADD `edit_username_allowed` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `realms` ADD `user_profile` text;--> statement-breakpoint
ALTER TABLE `realms` ADD `default_default_client_scopes` text DEFAULT '["web-origins","acr","profile","roles","basic","email"]' NOT NULL;--> statement-breakpoint
ALTER TABLE `realms` ADD `default_optional_client_scopes` text DEFAULT '["address","phone","offline_access"]' NOT NULL;