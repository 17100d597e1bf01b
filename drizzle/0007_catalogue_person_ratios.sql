CREATE TABLE `catalogue_person_ratios` (
	`version_id` integer NOT NULL,
	`code` text NOT NULL,
	`psn_type` text NOT NULL,
	`self_pay_ratio` integer NOT NULL,
	PRIMARY KEY(`version_id`, `code`, `psn_type`),
	FOREIGN KEY (`version_id`) REFERENCES `catalogue_versions`(`id`) ON UPDATE no action ON DELETE no action
);
