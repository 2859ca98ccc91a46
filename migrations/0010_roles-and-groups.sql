CREATE TABLE `client_scope_roles` (
	`client_id` text NOT NULL,
	`role_id` text NOT NULL,
	PRIMARY KEY(`client_id`, `role_id`),
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`role_id`) REFERENCES `roles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `group_members` (
	`group_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`group_id`, `user_id`),
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `group_members_user` ON `group_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `group_roles` (
	`group_id` text NOT NULL,
	`role_id` text NOT NULL,
	PRIMARY KEY(`group_id`, `role_id`),
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`role_id`) REFERENCES `roles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `groups` (
	`id` text PRIMARY KEY NOT NULL,
	`realm_id` text NOT NULL,
	`parent_id` text,
	`name` text NOT NULL,
	`path` text NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`realm_id`) REFERENCES `realms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`parent_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `groups_realm_path` ON `groups` (`realm_id`,`path`);--> statement-breakpoint
CREATE INDEX `groups_parent` ON `groups` (`parent_id`);--> statement-breakpoint
CREATE TABLE `role_composites` (
	`role_id` text NOT NULL,
	`child_role_id` text NOT NULL,
	PRIMARY KEY(`role_id`, `child_role_id`),
	FOREIGN KEY (`role_id`) REFERENCES `roles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`child_role_id`) REFERENCES `roles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `roles` (
	`id` text PRIMARY KEY NOT NULL,
	`realm_id` text NOT NULL,
	`client_id` text,
	`container_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	FOREIGN KEY (`realm_id`) REFERENCES `realms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `roles_container_name` ON `roles` (`container_id`,`name`);--> statement-breakpoint
CREATE TABLE `user_roles` (
	`user_id` text NOT NULL,
	`role_id` text NOT NULL,
	PRIMARY KEY(`user_id`, `role_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`role_id`) REFERENCES `roles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `user_roles_role` ON `user_roles` (`role_id`);--> statement-breakpoint
ALTER TABLE `clients` ADD `full_scope_allowed` integer DEFAULT true NOT NULL;--> statement-breakpoint
-- Keycloak's built-in realm roles for realms that exist already, and the default role for their users.
INSERT INTO `roles` (`id`, `realm_id`, `client_id`, `container_id`, `name`, `description`)
	SELECT lower(hex(randomblob(16))), `id`, NULL, `id`, 'offline_access', 'Offline tokens' FROM `realms`;--> statement-breakpoint
INSERT INTO `roles` (`id`, `realm_id`, `client_id`, `container_id`, `name`, `description`)
	SELECT lower(hex(randomblob(16))), `id`, NULL, `id`, 'uma_authorization', 'User-managed access' FROM `realms`;--> statement-breakpoint
INSERT INTO `roles` (`id`, `realm_id`, `client_id`, `container_id`, `name`, `description`)
	SELECT lower(hex(randomblob(16))), `id`, NULL, `id`, 'default-roles-' || lower(`name`), 'Default roles of ' || `name` FROM `realms`;--> statement-breakpoint
INSERT INTO `role_composites` (`role_id`, `child_role_id`)
	SELECT d.`id`, c.`id` FROM `realms` r
	JOIN `roles` d ON d.`container_id` = r.`id` AND d.`name` = 'default-roles-' || lower(r.`name`)
	JOIN `roles` c ON c.`container_id` = r.`id` AND c.`name` IN ('offline_access', 'uma_authorization');--> statement-breakpoint
INSERT INTO `user_roles` (`user_id`, `role_id`)
	SELECT u.`id`, d.`id` FROM `users` u
	JOIN `realms` r ON r.`id` = u.`realm_id`
	JOIN `roles` d ON d.`container_id` = r.`id` AND d.`name` = 'default-roles-' || lower(r.`name`);
