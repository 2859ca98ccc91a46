ALTER TABLE `clients` ADD `access_token_alg` text;--> statement-breakpoint
ALTER TABLE `clients` ADD `id_token_alg` text;--> statement-breakpoint
ALTER TABLE `realms` ADD `default_signature_algorithm` text;