-- The audit trail is append-only in the database itself, not only in the code: UPDATE is
-- refused, DELETE only for records already moved to an archive (retention), and an INSERT
-- must extend the chain head (next seq, prev_hash = the head's hash) so that two writers on
-- one file can never fork the chain. Checkpoints and the archive register are append-only.
CREATE TRIGGER `audit_decisions_no_update` BEFORE UPDATE ON `audit_decisions`
BEGIN
  SELECT RAISE(ABORT, 'audit trail is append-only: UPDATE refused');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_decisions_no_delete` BEFORE DELETE ON `audit_decisions`
WHEN OLD.`seq` > (SELECT coalesce(max(`up_to_seq`), 0) FROM `audit_archives`)
BEGIN
  SELECT RAISE(ABORT, 'audit trail is append-only: DELETE refused for a record not archived');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_decisions_extend_head` BEFORE INSERT ON `audit_decisions`
WHEN NEW.`seq` IS NOT coalesce((SELECT max(`seq`) FROM `audit_decisions`), (SELECT max(`up_to_seq`) FROM `audit_archives`), 0) + 1
  OR NEW.`prev_hash` IS NOT coalesce(
    (SELECT `hash` FROM `audit_decisions` ORDER BY `seq` DESC LIMIT 1),
    (SELECT `last_hash` FROM `audit_archives` ORDER BY `up_to_seq` DESC LIMIT 1),
    '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
  SELECT RAISE(ABORT, 'audit trail: a new record must extend the chain head');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_checkpoints_no_update` BEFORE UPDATE ON `audit_checkpoints`
BEGIN
  SELECT RAISE(ABORT, 'audit checkpoints are append-only: UPDATE refused');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_checkpoints_no_delete` BEFORE DELETE ON `audit_checkpoints`
BEGIN
  SELECT RAISE(ABORT, 'audit checkpoints are append-only: DELETE refused');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_archives_no_update` BEFORE UPDATE ON `audit_archives`
BEGIN
  SELECT RAISE(ABORT, 'audit archive register is append-only: UPDATE refused');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_archives_no_delete` BEFORE DELETE ON `audit_archives`
BEGIN
  SELECT RAISE(ABORT, 'audit archive register is append-only: DELETE refused');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_archives_contiguous` BEFORE INSERT ON `audit_archives`
WHEN NEW.`from_seq` IS NOT (SELECT coalesce(max(`up_to_seq`), 0) FROM `audit_archives`) + 1
  OR NEW.`up_to_seq` < NEW.`from_seq`
BEGIN
  SELECT RAISE(ABORT, 'audit archive register: an archive must continue the previous one');
END;
