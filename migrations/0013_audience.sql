CREATE TABLE `client_scopes` (
	`id` text PRIMARY KEY NOT NULL,
	`realm_id` text NOT NULL,
	`name` text NOT NULL,
	`include_in_token_scope` integer DEFAULT true NOT NULL,
	`consent_screen_text` text,
	FOREIGN KEY (`realm_id`) REFERENCES `realms`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `client_scopes_realm_name` ON `client_scopes` (`realm_id`,`name`);--> statement-breakpoint
CREATE TABLE `protocol_mappers` (
	`id` text PRIMARY KEY NOT NULL,
	`realm_id` text NOT NULL,
	`scope_id` text,
	`client_id` text,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`config` text NOT NULL,
	FOREIGN KEY (`realm_id`) REFERENCES `realms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`scope_id`) REFERENCES `client_scopes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `protocol_mappers_realm` ON `protocol_mappers` (`realm_id`);--> statement-breakpoint
ALTER TABLE `authorization_codes` ADD `resource` text;--> statement-breakpoint
ALTER TABLE `clients` ADD `resource_indicators` text DEFAULT '[]' NOT NULL;