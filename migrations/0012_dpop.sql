CREATE TABLE `dpop_proof_jtis` (
	`realm_id` text NOT NULL,
	`jkt` text NOT NULL,
	`jti` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`realm_id`, `jkt`, `jti`),
	FOREIGN KEY (`realm_id`) REFERENCES `realms`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `dpop_proof_jtis_expires` ON `dpop_proof_jtis` (`expires_at`);--> statement-breakpoint
ALTER TABLE `authorization_codes` ADD `dpop_jkt` text;--> statement-breakpoint
ALTER TABLE `clients` ADD `dpop_bound_access_tokens` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `realms` ADD `dpop_nonce_required` integer DEFAULT false NOT NULL;