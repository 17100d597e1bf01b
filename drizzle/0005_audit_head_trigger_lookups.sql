-- The same rule as 0003's audit_decisions_extend_head (a new record must be the next seq and
-- link to the head's hash), written as primary-key lookups: the record before it by seq, no
-- record after it, nothing archived at or after it. Cheaper per INSERT than reading the head
-- through max(): the trigger runs for every decision appended.
DROP TRIGGER `audit_decisions_extend_head`;
--> statement-breakpoint
CREATE TRIGGER `audit_decisions_extend_head` BEFORE INSERT ON `audit_decisions`
WHEN NEW.`prev_hash` IS NOT coalesce(
    (SELECT `hash` FROM `audit_decisions` WHERE `seq` = NEW.`seq` - 1),
    (SELECT `last_hash` FROM `audit_archives` WHERE `up_to_seq` = NEW.`seq` - 1),
    CASE WHEN NEW.`seq` = 1 THEN '0000000000000000000000000000000000000000000000000000000000000000' END)
  OR EXISTS (SELECT 1 FROM `audit_decisions` WHERE `seq` > NEW.`seq`)
  OR NEW.`seq` <= (SELECT coalesce(max(`up_to_seq`), 0) FROM `audit_archives`)
BEGIN
  SELECT RAISE(ABORT, 'audit trail: a new record must extend the chain head');
END;
