'use strict';
// The Loadlens Node.js evidence app: Express + pg on PostgreSQL, traced by ./tracing.js (load it with --require).
//   DATABASE_URL  postgres://user:password@127.0.0.1:5432/db (required)
//   PORT          port on 127.0.0.1 (0 = a free one); the chosen address is printed as "listening on http://…"
//   SEED=1        create the tables of schema.sql and their data when they are missing
// Each endpoint shows one thing Loadlens' server-side rules look for (docs/server-evidence.md).
const fs = require('node:fs');
const path = require('node:path');
const express = require('express');
const { Pool } = require('pg');

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('app.js: DATABASE_URL is not set (postgres://user:password@127.0.0.1:5432/db)');
  process.exit(2);
}
const port = Number(process.env.PORT || 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`app.js: PORT '${process.env.PORT}' is not a port number`);
  process.exit(2);
}

const pool = new Pool({ connectionString: databaseUrl, max: 16 });
const PAGE_SIZE = 20;

const app = express();

// N+1: one query for the page of chefs, then one bookings query per chef (20 per page).
app.get('/api/chefs', async (req, res) => {
  const page = Math.max(1, Number.parseInt(req.query.page, 10) || 1);
  const chefs = await pool.query('SELECT id, name, cuisine_type FROM chefs ORDER BY id LIMIT $1 OFFSET $2', [PAGE_SIZE, (page - 1) * PAGE_SIZE]);
  const rows = [];
  for (const chef of chefs.rows) {
    const r = await pool.query('SELECT count(*) AS bookings FROM bookings WHERE chef_id = $1', [chef.id]);
    rows.push({ ...chef, bookings: Number(r.rows[0].bookings) });
  }
  res.json(rows);
});

// Clean: one query by primary key.
app.get('/api/chefs/:id(\\d+)', async (req, res) => {
  const r = await pool.query('SELECT id, name, cuisine_type, city FROM chefs WHERE id = $1', [Number(req.params.id)]);
  if (r.rowCount === 0) {
    res.status(404).json({ error: 'no such chef' });
    return;
  }
  res.json(r.rows[0]);
});

// Missing index: bookings.cuisine_type has none, so PostgreSQL reads all 24,000 rows.
app.get('/api/bookings/by-cuisine/:cuisine', async (req, res) => {
  const r = await pool.query('SELECT count(*) AS bookings, sum(guests) AS guests FROM bookings WHERE cuisine_type = $1', [req.params.cuisine]);
  res.json({ cuisine: req.params.cuisine, bookings: Number(r.rows[0].bookings), guests: Number(r.rows[0].guests) });
});

// The same filter on an indexed column (bookings_city): no advice.
app.get('/api/bookings/by-city/:city', async (req, res) => {
  const r = await pool.query('SELECT count(*) AS bookings, sum(guests) AS guests FROM bookings WHERE city = $1', [req.params.city]);
  res.json({ city: req.params.city, bookings: Number(r.rows[0].bookings), guests: Number(r.rows[0].guests) });
});

// Slow statement: 120 ms in the database on every call (slow-query, db-bound).
app.get('/api/chefs/:id(\\d+)/availability', async (req, res) => {
  const r = await pool.query('SELECT pg_sleep(0.12), count(*) AS booked FROM bookings WHERE chef_id = $1', [Number(req.params.id)]);
  res.json({ chef: Number(req.params.id), booked: Number(r.rows[0].booked) });
});

// Event-loop blocking: ≈ 20 ms of synchronous CPU work (a report rendered from memory; a sync crypto call or a large
// JSON.stringify does the same). Node runs one request at a time on its event loop, so under several users the others
// wait before Node reads them and their server span starts (queued-before-app), while the server time stays ≈ 20 ms.
app.get('/api/report', (req, res) => {
  const started = process.hrtime.bigint();
  let x = 0;
  while (process.hrtime.bigint() - started < 20_000_000n) {
    for (let i = 0; i < 1000; i++) {
      x = (x * 31 + i) % 1_000_003;
    }
  }
  res.json({ checksum: x });
});

app.use((err, req, res, next) => {
  console.error(`app.js: ${req.method} ${req.path}: ${err.message}`);
  if (res.headersSent) {
    next(err);
    return;
  }
  res.status(500).json({ error: 'internal error' });
});

async function seed() {
  const exists = await pool.query("SELECT to_regclass('chefs') IS NOT NULL AS present");
  if (!exists.rows[0].present) {
    await pool.query(fs.readFileSync(path.join(__dirname, 'schema.sql'), 'utf8'));
    console.log('seeded: 200 chefs, 24000 bookings');
  }
}

async function main() {
  if (process.env.SEED === '1') {
    await seed();
  }
  const server = app.listen(port, '127.0.0.1', () => {
    console.log(`listening on http://127.0.0.1:${server.address().port}`);
  });
  server.keepAliveTimeout = 30_000;

  let stopping = false;
  const stop = (signal) => {
    if (stopping) {
      return;
    }
    stopping = true;
    console.log(`${signal}: closing`);
    server.close(async () => {
      try {
        await pool.end();
        await require('./tracing.js').shutdownTracing(); // the last batch of spans
      } catch (e) {
        console.error(`app.js: shutdown: ${e.message}`);
      }
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e) => {
  console.error(`app.js: ${e.message}`);
  process.exit(3);
});
