INSERT INTO pgb_raw.events (event_id, stream_id, stream_version, type, data, occurred_at, recorded_at) VALUES (gen_random_uuid(), 's' || gen_random_uuid(), 1, 'OptedIn', '{"channel":"seo"}', 0, 0);
