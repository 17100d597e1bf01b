CREATE TABLE `catalogue_entries` (
	`version_id` integer NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`generic_name` text,
	`dosage_form` text,
	`spec` text,
	`manufacturer` text,
	`approval_no` text,
	`standard_code` text,
	`insurance_class` text,
	`self_pay_ratio` integer,
	`price_cap_fen` integer,
	`over_cap_handling` text,
	`restricted` integer DEFAULT false NOT NULL,
	`restricted_scope` text,
	`prescription_only` integer DEFAULT false NOT NULL,
	`begin_date` text,
	`end_date` text,
	`valid` integer DEFAULT true NOT NULL,
	`market_status` text DEFAULT 'listed' NOT NULL,
	PRIMARY KEY(`version_id`, `code`),
	FOREIGN KEY (`version_id`) REFERENCES `catalogue_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `catalogue_entries_name` ON `catalogue_entries` (`version_id`,`name`);--> statement-breakpoint
CREATE TABLE `catalogue_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`format` text NOT NULL,
	`source` text NOT NULL,
	`label` text,
	`row_count` integer NOT NULL,
	`checksum` text NOT NULL,
	`imported_at` text NOT NULL,
	`active` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE `item_mappings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`local_code` text,
	`barcode` text,
	`code` text NOT NULL,
	`local_name` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `item_mappings_local` ON `item_mappings` (`local_code`);--> statement-breakpoint
CREATE UNIQUE INDEX `item_mappings_barcode` ON `item_mappings` (`barcode`);--> statement-breakpoint
CREATE TABLE `audit_decisions` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`at` text NOT NULL,
	`kind` text NOT NULL,
	`outcome` text NOT NULL,
	`cashier_id` text,
	`token_id` text,
	`terminal_id` text,
	`card_masked` text,
	`person_hash` text,
	`catalogue_version` integer,
	`reason_codes` text NOT NULL,
	`body` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_decisions_id_unique` ON `audit_decisions` (`id`);--> statement-breakpoint
CREATE INDEX `audit_decisions_at` ON `audit_decisions` (`at`);--> statement-breakpoint
CREATE INDEX `audit_decisions_cashier` ON `audit_decisions` (`cashier_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_decisions_person` ON `audit_decisions` (`person_hash`,`at`);--> statement-breakpoint
CREATE INDEX `audit_decisions_outcome` ON `audit_decisions` (`outcome`,`at`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`secret_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text,
	`last_used_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_secret_hash_unique` ON `api_tokens` (`secret_hash`);