CREATE TABLE `device_codes` (
	`device_code_hash` text PRIMARY KEY NOT NULL,
	`user_code_hash` text NOT NULL,
	`realm_id` text NOT NULL,
	`client_id` text NOT NULL,
	`scope` text NOT NULL,
	`status` text NOT NULL,
	`user_id` text,
	`session_id` text,
	`auth_time` integer,
	`family_id` text NOT NULL,
	`poll_interval` integer NOT NULL,
	`last_polled_at` integer,
	`expires_at` integer NOT NULL,
	`consumed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `device_codes_user_code_hash_unique` ON `device_codes` (`user_code_hash`);--> statement-breakpoint
CREATE INDEX `device_codes_expires` ON `device_codes` (`expires_at`);--> statement-breakpoint
ALTER TABLE `clients` ADD `device_grant_enabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `clients` ADD `token_exchange_enabled` integer DEFAULT false NOT NULL;