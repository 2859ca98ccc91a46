CREATE TABLE `consents` (
	`user_id` text NOT NULL,
	`client_id` text NOT NULL,
	`scope` text NOT NULL,
	`granted_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `client_id`, `scope`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `clients` ADD `consent_required` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `clients` ADD `default_client_scopes` text DEFAULT '["web-origins","acr","profile","roles","basic","email"]' NOT NULL;--> statement-breakpoint
ALTER TABLE `clients` ADD `optional_client_scopes` text DEFAULT '["address","phone","offline_access"]' NOT NULL;--> statement-breakpoint
ALTER TABLE `clients` ADD `access_token_lifespan` integer;--> statement-breakpoint
ALTER TABLE `clients` ADD `client_session_idle_timeout` integer;--> statement-breakpoint
ALTER TABLE `clients` ADD `client_session_max_lifespan` integer;--> statement-breakpoint
ALTER TABLE `realms` ADD `offline_session_idle_timeout` integer DEFAULT 2592000 NOT NULL;--> statement-breakpoint
ALTER TABLE `refresh_tokens` ADD `offline` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `attributes` text;