ALTER TABLE `device_codes` ADD `created_at` integer;--> statement-breakpoint
ALTER TABLE `device_codes` ADD `acr` text;