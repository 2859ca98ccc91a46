ALTER TABLE `signing_keys` ADD `published_at` integer;--> statement-breakpoint
ALTER TABLE `signing_keys` ADD `activated_at` integer;--> statement-breakpoint
ALTER TABLE `signing_keys` ADD `retired_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `signing_keys_one_next` ON `signing_keys` (`realm_id`,`alg`)
  WHERE status = 'next';