ALTER TABLE "connect"."chargepoints" ADD COLUMN "row_hash" uuid;--> statement-breakpoint
ALTER TABLE "connect"."connectors" ADD COLUMN "row_hash" uuid;--> statement-breakpoint
ALTER TABLE "connect"."locations" ADD COLUMN "row_hash" uuid;