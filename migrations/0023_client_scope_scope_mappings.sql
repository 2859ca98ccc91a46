CREATE TABLE `client_scope_scope_mappings` (
	`scope_id` text NOT NULL,
	`role_id` text NOT NULL,
	PRIMARY KEY(`scope_id`, `role_id`),
	FOREIGN KEY (`scope_id`) REFERENCES `client_scopes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`role_id`) REFERENCES `roles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `client_scope_scope_mappings_role` ON `client_scope_scope_mappings` (`role_id`);