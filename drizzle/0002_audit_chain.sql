CREATE TABLE `audit_archives` (
	`up_to_seq` integer PRIMARY KEY NOT NULL,
	`from_seq` integer NOT NULL,
	`last_hash` text NOT NULL,
	`first_prev_hash` text NOT NULL,
	`file` text NOT NULL,
	`file_sha256` text NOT NULL,
	`count` integer NOT NULL,
	`first_at` text NOT NULL,
	`last_at` text NOT NULL,
	`archived_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `audit_checkpoints` (
	`seq` integer PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`at` text NOT NULL,
	`key_id` text NOT NULL,
	`signature` text NOT NULL
);
--> statement-breakpoint
DROP INDEX `audit_decisions_cashier`;--> statement-breakpoint
DROP INDEX `audit_decisions_person`;--> statement-breakpoint
DROP INDEX `audit_decisions_outcome`;--> statement-breakpoint
ALTER TABLE `audit_decisions` ADD `card_hash` text;--> statement-breakpoint
ALTER TABLE `audit_decisions` ADD `alg` text DEFAULT 'sha256' NOT NULL;--> statement-breakpoint
CREATE INDEX `audit_decisions_cashier_seq` ON `audit_decisions` (`cashier_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_decisions_person_seq` ON `audit_decisions` (`person_hash`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_decisions_card_seq` ON `audit_decisions` (`card_hash`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_decisions_outcome_seq` ON `audit_decisions` (`outcome`,`seq`);