CREATE TABLE `admin_events` (
	`id` text PRIMARY KEY NOT NULL,
	`realm_id` text NOT NULL,
	`time` integer NOT NULL,
	`operation_type` text NOT NULL,
	`resource_type` text NOT NULL,
	`resource_path` text NOT NULL,
	`auth_realm_id` text,
	`auth_client_id` text,
	`auth_user_id` text,
	`auth_ip_address` text,
	`representation` text,
	`error` text,
	`details` text,
	`expires_at` integer,
	FOREIGN KEY (`realm_id`) REFERENCES `realms`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `admin_events_realm_time` ON `admin_events` (`realm_id`,`time`);--> statement-breakpoint
CREATE INDEX `admin_events_expires` ON `admin_events` (`expires_at`);--> statement-breakpoint
CREATE TABLE `data_access` (
	`id` text PRIMARY KEY NOT NULL,
	`realm_id` text NOT NULL,
	`user_id` text NOT NULL,
	`time` integer NOT NULL,
	`accessor` text NOT NULL,
	`client_id` text,
	`admin_user_id` text,
	`action` text NOT NULL,
	`scope` text,
	`claims` text NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`realm_id`) REFERENCES `realms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `data_access_user_time` ON `data_access` (`realm_id`,`user_id`,`time`);--> statement-breakpoint
CREATE INDEX `data_access_expires` ON `data_access` (`expires_at`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`realm_id` text NOT NULL,
	`time` integer NOT NULL,
	`type` text NOT NULL,
	`client_id` text,
	`user_id` text,
	`session_id` text,
	`ip_address` text,
	`error` text,
	`details` text,
	`expires_at` integer,
	FOREIGN KEY (`realm_id`) REFERENCES `realms`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `events_realm_time` ON `events` (`realm_id`,`time`);--> statement-breakpoint
CREATE INDEX `events_realm_user_time` ON `events` (`realm_id`,`user_id`,`time`);--> statement-breakpoint
CREATE INDEX `events_expires` ON `events` (`expires_at`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`endpoint_id` text NOT NULL,
	`event_type` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`last_attempt_at` integer,
	`last_status` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_endpoint` ON `webhook_deliveries` (`endpoint_id`,`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`realm_id` text NOT NULL,
	`url` text NOT NULL,
	`event_types` text NOT NULL,
	`secret_sealed` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`disabled_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`realm_id`) REFERENCES `realms`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_endpoints_realm` ON `webhook_endpoints` (`realm_id`);--> statement-breakpoint
ALTER TABLE `realms` ADD `events_enabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `realms` ADD `enabled_event_types` text;--> statement-breakpoint
ALTER TABLE `realms` ADD `events_expiration` integer;--> statement-breakpoint
ALTER TABLE `realms` ADD `admin_events_enabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `realms` ADD `admin_events_details_enabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `realms` ADD `events_ip_truncation` integer DEFAULT false NOT NULL;