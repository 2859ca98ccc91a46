CREATE TABLE `revoked_access_tokens` (
	`realm_id` text NOT NULL,
	`jti` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`realm_id`, `jti`),
	FOREIGN KEY (`realm_id`) REFERENCES `realms`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `revoked_access_tokens_expires` ON `revoked_access_tokens` (`expires_at`);