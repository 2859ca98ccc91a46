-- ON DELETE cascade added by hand: drizzle-kit 0.31 drops referential actions from
-- ALTER TABLE ... ADD ... REFERENCES (drizzle-team/drizzle-orm#5619); the snapshot has it.
ALTER TABLE `clients` ADD `service_accounts_enabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `service_account_client_id` text REFERENCES clients(id) ON DELETE cascade;--> statement-breakpoint
CREATE UNIQUE INDEX `users_service_account_client` ON `users` (`service_account_client_id`);
