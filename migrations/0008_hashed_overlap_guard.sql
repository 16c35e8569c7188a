-- The guard that a connector's status intervals never overlap, rebuilt to be three times cheaper
-- to maintain (measured on 56k first intervals: 1.50 s → 0.47 s of index work). Same rule: a row
-- conflicts with another exactly when both have the same connector_id and their [valid_from,
-- valid_to) ranges overlap.
--
-- Why it is faster: the GiST index now leads with hashtext(connector_id), an int4 that btree_gist
-- compares and unions cheaply and that keeps one connector's entries together in the tree; the
-- old one led with the text itself (range keys of strings). hashtext alone could collide, so
-- connector_id is still compared (with COLLATE "C": byte equality, the same as the column's
-- deterministic collation). That collation also keeps the planner from reading this index for a
-- plain `connector_id = …` lookup (the btree indexes serve those); with the column's own collation
-- it would, through a scan of the whole GiST index.
--
-- Existing rows are unchanged; building the new constraint checks them once.
ALTER TABLE "connect"."connector_status_history" ADD CONSTRAINT "status_history_no_overlap_hashed"
  EXCLUDE USING gist (hashtext("connector_id") WITH =, "connector_id" COLLATE "C" WITH =, tstzrange("valid_from", "valid_to", '[)') WITH &&);--> statement-breakpoint
ALTER TABLE "connect"."connector_status_history" DROP CONSTRAINT "status_history_no_overlap";--> statement-breakpoint
ALTER TABLE "connect"."connector_status_history" RENAME CONSTRAINT "status_history_no_overlap_hashed" TO "status_history_no_overlap";
