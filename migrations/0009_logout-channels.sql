ALTER TABLE `clients` ADD `backchannel_logout_url` text;--> statement-breakpoint
ALTER TABLE `clients` ADD `backchannel_logout_session_required` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `clients` ADD `frontchannel_logout_url` text;--> statement-breakpoint
ALTER TABLE `clients` ADD `frontchannel_logout_session_required` integer DEFAULT true NOT NULL;