-- Views for BI tools over the entity tables: typed columns only, no `raw` records and no personal
-- data (contacts' names, e-mail, phone, fax, birthdate, gender, address stay in connect.contacts).
-- `connect-sync bi-role` grants a read-only role SELECT on the views of this schema, never on tables.
CREATE OR REPLACE VIEW "connect"."bi_locations" AS
  SELECT id, name, street, zip, city, country, latitude, longitude, first_seen_at, updated_at, deleted_at
  FROM "connect"."locations";
--> statement-breakpoint
CREATE OR REPLACE VIEW "connect"."bi_chargepoints" AS
  SELECT id, name, public_name, location_id, connectors_total, connectors_free, connectors_occupied, connectors_unavailable,
         upstream_created_at, upstream_updated_at, first_seen_at, updated_at, deleted_at
  FROM "connect"."chargepoints";
--> statement-breakpoint
CREATE OR REPLACE VIEW "connect"."bi_connectors" AS
  SELECT c.id, c.chargepoint_id, c.evse, c.name, c.type_name, c.current_type, c.max_power AS max_power_kw, c.type_description,
         c.status, coalesce(sc.category, 'unknown') AS status_category, c.status_updated_at, c.first_seen_at, c.updated_at, c.deleted_at
  FROM "connect"."connectors" c
  LEFT JOIN "connect"."status_categories" sc ON sc.status = lower(c.status);
--> statement-breakpoint
CREATE OR REPLACE VIEW "connect"."bi_cards" AS
  SELECT tag_id, contact_id, billing_contact_id, active, card_type, rate, valid_from, first_seen_at, updated_at, deleted_at
  FROM "connect"."cards";
--> statement-breakpoint
CREATE OR REPLACE VIEW "connect"."bi_charging_sessions" AS
  SELECT id, contact_id, card_id, connector_id, connector_type, evse, status, start_time, end_time, duration_s,
         meter_start_wh, meter_end_wh, meter_total_wh, costs, costs_net, tax_amount, currency, tariff,
         first_seen_at, updated_at, deleted_at
  FROM "connect"."charging_sessions";
--> statement-breakpoint
-- Sessions whose values do not add up, as received: listed here, never dropped or "fixed".
CREATE OR REPLACE VIEW "connect"."session_data_quality" AS
  SELECT s.id AS session_id, s.connector_id, s.evse, s.status, s.start_time, s.end_time, q.issue, q.detail
  FROM "connect"."charging_sessions" s
  CROSS JOIN LATERAL (VALUES
    ('meter_start_after_end', s.meter_start_wh > s.meter_end_wh,
       format('meterStart %s Wh > meterEnd %s Wh', s.meter_start_wh, s.meter_end_wh)),
    ('meter_total_mismatch', s.meter_total_wh IS DISTINCT FROM s.meter_end_wh - s.meter_start_wh
       AND s.meter_total_wh IS NOT NULL AND s.meter_end_wh IS NOT NULL AND s.meter_start_wh IS NOT NULL,
       format('meterTotal %s Wh, meterEnd - meterStart = %s Wh', s.meter_total_wh, s.meter_end_wh - s.meter_start_wh)),
    ('negative_costs', s.costs < 0 OR s.costs_net < 0 OR s.tax_amount < 0,
       format('costs %s, net %s, tax %s', s.costs, s.costs_net, s.tax_amount)),
    ('costs_do_not_add_up', s.costs IS NOT NULL AND s.costs_net IS NOT NULL AND s.tax_amount IS NOT NULL
       AND abs(s.costs - (s.costs_net + s.tax_amount)) > 0.01,
       format('costs %s <> net %s + tax %s', s.costs, s.costs_net, s.tax_amount)),
    ('end_before_start', s.end_time < s.start_time, format('start %s, end %s', s.start_time, s.end_time)),
    ('duration_mismatch', s.duration_s IS NOT NULL AND s.end_time IS NOT NULL AND s.start_time IS NOT NULL
       AND abs(extract(epoch FROM s.end_time - s.start_time) - s.duration_s) > 60,
       format('duration %s s, end - start = %s s', s.duration_s, round(extract(epoch FROM s.end_time - s.start_time)))),
    ('stopped_without_end', upper(s.status) = 'STOPPED' AND s.end_time IS NULL, 'status STOPPED but no endTime')
  ) AS q(issue, failed, detail)
  WHERE q.failed;
--> statement-breakpoint
COMMENT ON VIEW "connect"."session_data_quality" IS 'Charging sessions with implausible values as received from the upstream (one row per session and issue)';
