ALTER TABLE `authorization_codes` ADD `claims` text;--> statement-breakpoint
ALTER TABLE `authorization_codes` ADD `acr` text;--> statement-breakpoint
ALTER TABLE `authorization_codes` ADD `acr_values` text;--> statement-breakpoint
ALTER TABLE `refresh_tokens` ADD `claims` text;--> statement-breakpoint
ALTER TABLE `refresh_tokens` ADD `acr` text;