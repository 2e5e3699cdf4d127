-- Schema and seed data of the Node.js evidence app (run by app.js with SEED=1, or by the tests).
-- 200 chefs; 24,000 bookings with chef_id and city indexed and cuisine_type deliberately NOT indexed.
CREATE TABLE chefs (
  id integer PRIMARY KEY,
  name text NOT NULL,
  cuisine_type text NOT NULL,
  city text NOT NULL
);
CREATE TABLE bookings (
  id integer PRIMARY KEY,
  chef_id integer NOT NULL REFERENCES chefs (id),
  day date NOT NULL,
  guests integer NOT NULL,
  cuisine_type text NOT NULL,
  city text NOT NULL
);
CREATE INDEX bookings_chef_id ON bookings (chef_id);
CREATE INDEX bookings_city ON bookings (city);
INSERT INTO chefs SELECT i, 'chef-' || i, 'cuisine-' || (i % 12), 'city-' || (i % 100) FROM generate_series(1, 200) AS i;
INSERT INTO bookings
  SELECT i, 1 + i % 200, date '2026-01-01' + (i % 365), 1 + i % 8, 'cuisine-' || ((1 + i % 200) % 12), 'city-' || (i % 100)
  FROM generate_series(1, 24000) AS i;
ANALYZE chefs;
ANALYZE bookings;
