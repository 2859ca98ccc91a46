CREATE TABLE `client_assertion_jtis` (
	`client_id` text NOT NULL,
	`jti` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`client_id`, `jti`),
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `client_assertion_jtis_expires` ON `client_assertion_jtis` (`expires_at`);--> statement-breakpoint
CREATE TABLE `pushed_authorization_requests` (
	`request_uri_hash` text PRIMARY KEY NOT NULL,
	`client_id` text NOT NULL,
	`params` text NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `pushed_authorization_requests_expires` ON `pushed_authorization_requests` (`expires_at`);--> statement-breakpoint
ALTER TABLE `clients` ADD `client_authenticator_type` text DEFAULT 'client-secret' NOT NULL;--> statement-breakpoint
ALTER TABLE `clients` ADD `secret_sealed` text;--> statement-breakpoint
ALTER TABLE `clients` ADD `jwks` text;--> statement-breakpoint
ALTER TABLE `clients` ADD `jwks_uri` text;--> statement-breakpoint
ALTER TABLE `clients` ADD `request_object_signature_alg` text;--> statement-breakpoint
ALTER TABLE `clients` ADD `require_pushed_authorization_requests` integer DEFAULT false NOT NULL;