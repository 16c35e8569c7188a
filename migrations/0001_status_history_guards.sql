-- Intervals of one connector never overlap: enforced by the database, not only by the sync code.
-- btree_gist lets the exclusion constraint combine text equality with range overlap.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "connect"."connector_status_history"
  ADD CONSTRAINT "status_history_no_overlap"
  EXCLUDE USING gist ("connector_id" WITH =, tstzrange("valid_from", "valid_to", '[)') WITH &&);
--> statement-breakpoint
ALTER TABLE "connect"."price_history"
  ADD CONSTRAINT "price_history_no_overlap"
  EXCLUDE USING gist ("chargepoint_id" WITH =, "tag_id" WITH =, tstzrange("valid_from", "valid_to", '[)') WITH &&);
--> statement-breakpoint
-- Default classification of upstream statuses (matched lower-case). Operators may edit these rows;
-- anything not listed counts as 'unknown' and shows up in connect.unmapped_statuses.
INSERT INTO "connect"."status_categories" ("status", "category", "description") VALUES
  ('available', 'up', 'free and ready'),
  ('occupied', 'up', 'in use'),
  ('charging', 'up', 'in use'),
  ('reserved', 'up', 'reserved for a driver'),
  ('preparing', 'up', 'OCPP: plugged in, about to charge'),
  ('suspendedev', 'up', 'OCPP: in use, paused by the vehicle'),
  ('suspendedevse', 'up', 'OCPP: in use, paused by the station'),
  ('finishing', 'up', 'OCPP: in use, finishing'),
  ('faulted', 'down', 'fault reported'),
  ('faulty', 'down', 'fault reported'),
  ('out of order', 'down', 'out of order'),
  ('outoforder', 'down', 'out of order'),
  ('inoperative', 'down', 'inoperative'),
  ('unavailable', 'down', 'not available'),
  ('error', 'down', 'error'),
  ('offline', 'down', 'not online'),
  ('removed', 'down', 'removed from service'),
  ('unknown', 'unknown', 'the operator does not know')
ON CONFLICT ("status") DO NOTHING;
