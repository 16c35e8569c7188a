CREATE SCHEMA IF NOT EXISTS "connect";
--> statement-breakpoint
CREATE TABLE "connect"."cards" (
	"tag_id" text PRIMARY KEY NOT NULL,
	"contact_id" text,
	"billing_contact_id" text,
	"active" boolean,
	"card_type" integer,
	"name" text,
	"rate" text,
	"valid_from" date,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "connect"."chargepoints" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"public_name" text,
	"location_id" text,
	"connectors_total" integer,
	"connectors_free" integer,
	"connectors_occupied" integer,
	"connectors_unavailable" integer,
	"upstream_created_at" timestamp with time zone,
	"upstream_updated_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "connect"."charging_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"contact_id" text,
	"card_id" text,
	"connector_id" text,
	"connector_type" text,
	"evse" text,
	"status" text,
	"start_time" timestamp with time zone,
	"end_time" timestamp with time zone,
	"duration_s" integer,
	"meter_start_wh" bigint,
	"meter_end_wh" bigint,
	"meter_total_wh" bigint,
	"costs" numeric,
	"costs_net" numeric,
	"tax_amount" numeric,
	"currency" text,
	"tariff" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "connect"."connector_status_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"connector_id" text NOT NULL,
	"status" text NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_to" timestamp with time zone,
	"observed_at" timestamp with time zone NOT NULL,
	"upstream_updated_at" timestamp with time zone,
	"run_id" bigint,
	"closed_reason" text,
	CONSTRAINT "status_history_valid_range" CHECK ("connect"."connector_status_history"."valid_to" is null or "connect"."connector_status_history"."valid_to" > "connect"."connector_status_history"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "connect"."connectors" (
	"id" text PRIMARY KEY NOT NULL,
	"chargepoint_id" text NOT NULL,
	"evse" text,
	"name" text,
	"type_name" text,
	"current_type" text,
	"max_power" double precision,
	"type_description" text,
	"status" text,
	"status_updated_at" timestamp with time zone,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "connect"."contacts" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_number" text,
	"is_company" boolean,
	"name" text,
	"given_name" text,
	"email" text,
	"phone" text,
	"fax" text,
	"birthdate" date,
	"gender" text,
	"address" jsonb,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "connect"."locations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"street" text,
	"zip" text,
	"city" text,
	"country" text,
	"latitude" double precision,
	"longitude" double precision,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "connect"."outage_exclusions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"connector_id" text,
	"chargepoint_id" text,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outage_exclusions_target" CHECK (("connect"."outage_exclusions"."connector_id" is null) <> ("connect"."outage_exclusions"."chargepoint_id" is null)),
	CONSTRAINT "outage_exclusions_range" CHECK ("connect"."outage_exclusions"."ends_at" > "connect"."outage_exclusions"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "connect"."price_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"chargepoint_id" text NOT NULL,
	"tag_id" text DEFAULT '' NOT NULL,
	"name" text,
	"price" numeric,
	"currency" text,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_to" timestamp with time zone,
	"observed_at" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"run_id" bigint,
	CONSTRAINT "price_history_valid_range" CHECK ("connect"."price_history"."valid_to" is null or "connect"."price_history"."valid_to" > "connect"."price_history"."valid_from")
);
--> statement-breakpoint
CREATE TABLE "connect"."status_categories" (
	"status" text PRIMARY KEY NOT NULL,
	"category" text NOT NULL,
	"description" text,
	CONSTRAINT "status_categories_lower" CHECK ("connect"."status_categories"."status" = lower("connect"."status_categories"."status")),
	CONSTRAINT "status_categories_valid" CHECK ("connect"."status_categories"."category" in ('up','down','unknown'))
);
--> statement-breakpoint
CREATE TABLE "connect"."sync_rejects" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" bigint,
	"job" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text,
	"reason" text NOT NULL,
	"raw" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "connect"."sync_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"job" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"complete" boolean DEFAULT false NOT NULL,
	"pages" integer DEFAULT 0 NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"records_seen" integer DEFAULT 0 NOT NULL,
	"records_inserted" integer DEFAULT 0 NOT NULL,
	"records_updated" integer DEFAULT 0 NOT NULL,
	"records_unchanged" integer DEFAULT 0 NOT NULL,
	"records_rejected" integer DEFAULT 0 NOT NULL,
	"records_deleted" integer DEFAULT 0 NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"host" text,
	"pid" integer,
	CONSTRAINT "sync_runs_status_valid" CHECK ("connect"."sync_runs"."status" in ('running','succeeded','partial','failed','aborted','skipped'))
);
--> statement-breakpoint
ALTER TABLE "connect"."connector_status_history" ADD CONSTRAINT "connector_status_history_connector_id_connectors_id_fk" FOREIGN KEY ("connector_id") REFERENCES "connect"."connectors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connect"."connectors" ADD CONSTRAINT "connectors_chargepoint_id_chargepoints_id_fk" FOREIGN KEY ("chargepoint_id") REFERENCES "connect"."chargepoints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connect"."sync_rejects" ADD CONSTRAINT "sync_rejects_run_id_sync_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "connect"."sync_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cards_contact_idx" ON "connect"."cards" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "chargepoints_location_idx" ON "connect"."chargepoints" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "sessions_contact_idx" ON "connect"."charging_sessions" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "sessions_connector_start_idx" ON "connect"."charging_sessions" USING btree ("connector_id","start_time");--> statement-breakpoint
CREATE INDEX "sessions_status_idx" ON "connect"."charging_sessions" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "status_history_one_open_idx" ON "connect"."connector_status_history" USING btree ("connector_id") WHERE "connect"."connector_status_history"."valid_to" is null;--> statement-breakpoint
CREATE INDEX "status_history_connector_from_idx" ON "connect"."connector_status_history" USING btree ("connector_id","valid_from");--> statement-breakpoint
CREATE INDEX "status_history_range_idx" ON "connect"."connector_status_history" USING btree ("valid_from","valid_to");--> statement-breakpoint
CREATE INDEX "connectors_chargepoint_idx" ON "connect"."connectors" USING btree ("chargepoint_id");--> statement-breakpoint
CREATE INDEX "connectors_evse_idx" ON "connect"."connectors" USING btree ("evse");--> statement-breakpoint
CREATE UNIQUE INDEX "price_history_one_open_idx" ON "connect"."price_history" USING btree ("chargepoint_id","tag_id") WHERE "connect"."price_history"."valid_to" is null;--> statement-breakpoint
CREATE INDEX "sync_rejects_run_idx" ON "connect"."sync_rejects" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "sync_runs_job_started_idx" ON "connect"."sync_runs" USING btree ("job","started_at");