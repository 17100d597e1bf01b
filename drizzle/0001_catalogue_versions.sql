ALTER TABLE `catalogue_versions` ADD `kind` text DEFAULT 'catalogue' NOT NULL;--> statement-breakpoint
ALTER TABLE `catalogue_versions` ADD `platform_ver` text;--> statement-breakpoint
ALTER TABLE `catalogue_versions` ADD `based_on` integer;--> statement-breakpoint
ALTER TABLE `catalogue_versions` ADD `status` text DEFAULT 'ready' NOT NULL;--> statement-breakpoint
ALTER TABLE `catalogue_versions` ADD `activated_at` text;--> statement-breakpoint
CREATE INDEX `catalogue_versions_kind` ON `catalogue_versions` (`kind`,`status`,`id`);--> statement-breakpoint
DROP INDEX `catalogue_entries_name`;--> statement-breakpoint
ALTER TABLE `catalogue_entries` ADD `list_version` text;--> statement-breakpoint
DROP INDEX `item_mappings_local`;--> statement-breakpoint
DROP INDEX `item_mappings_barcode`;--> statement-breakpoint
ALTER TABLE `item_mappings` RENAME TO `__old_item_mappings`;--> statement-breakpoint
CREATE TABLE `item_mappings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version_id` integer NOT NULL,
	`local_code` text,
	`barcode` text,
	`code` text NOT NULL,
	`local_name` text,
	FOREIGN KEY (`version_id`) REFERENCES `catalogue_versions`(`id`) ON UPDATE no action ON DELETE no action
);--> statement-breakpoint
-- Mappings imported before versions existed become one active mapping version.
INSERT INTO `catalogue_versions` (`kind`, `format`, `source`, `row_count`, `checksum`, `imported_at`, `status`, `active`, `activated_at`)
	SELECT 'mapping', 'mapping', 'migrated', count(*), '', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'ready', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
	FROM `__old_item_mappings` HAVING count(*) > 0;--> statement-breakpoint
INSERT INTO `item_mappings` (`id`, `version_id`, `local_code`, `barcode`, `code`, `local_name`)
	SELECT `id`, (SELECT max(`id`) FROM `catalogue_versions` WHERE `kind` = 'mapping'), `local_code`, `barcode`, `code`, `local_name` FROM `__old_item_mappings`;--> statement-breakpoint
DROP TABLE `__old_item_mappings`;--> statement-breakpoint
CREATE UNIQUE INDEX `item_mappings_local` ON `item_mappings` (`version_id`,`local_code`);--> statement-breakpoint
CREATE UNIQUE INDEX `item_mappings_barcode` ON `item_mappings` (`version_id`,`barcode`);
