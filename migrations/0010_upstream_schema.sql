CREATE TABLE "connect"."upstream_schema" (
	"endpoint" text PRIMARY KEY NOT NULL,
	"hash" text,
	"introspection" jsonb,
	"pages" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"read_at" timestamp with time zone DEFAULT now() NOT NULL
);
