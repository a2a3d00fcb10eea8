// The database-alone benchmark of docs/postgres.md: creates the log's schema `pgb` (this build's
// migrations) and a raw table `pgb_raw.events` with the same five indexes, for the pgbench
// scripts beside this file:
//   node scripts/pgbench/setup.mjs [URL]
//   pgbench -h 127.0.0.1 -U postgres -n -M prepared -c 16 -j 2 -T 3 -f scripts/pgbench/raw.sql test
//   pgbench -h 127.0.0.1 -U postgres -n -M prepared -c 16 -j 2 -T 3 -f scripts/pgbench/log.sql test
import { PostgresEventLog } from '@lifeline/adapters-postgres'
import pg from 'pg'

const pool = new pg.Pool({ connectionString: process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/test', max: 2 })
await pool.query('DROP SCHEMA IF EXISTS pgb CASCADE; DROP SCHEMA IF EXISTS pgb_raw CASCADE')
await pool.query(`CREATE SCHEMA pgb_raw;
  CREATE TABLE pgb_raw.events (
    global_position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id UUID NOT NULL UNIQUE, stream_id TEXT NOT NULL, stream_version INTEGER NOT NULL,
    type TEXT NOT NULL, data JSONB NOT NULL, metadata JSONB, occurred_at BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL, UNIQUE (stream_id, stream_version));
  CREATE INDEX ON pgb_raw.events ((data->>'referredBy')) WHERE type = 'OptedIn';
  CREATE INDEX ON pgb_raw.events ((data->>'referredCustomerId')) WHERE type = 'Referred'`)
const log = await PostgresEventLog.open(pool, { schema: 'pgb' })
await log.close()
