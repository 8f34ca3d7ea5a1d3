-- What the web role may do with Night School's tables. Run as nightschool_owner after every
-- `manage.py migrate` (it is idempotent):
--
--   psql -v ON_ERROR_STOP=1 "$OWNER_DATABASE_URL" -f deploy/postgres/grants.sql
--
-- Ordinary create, read, update and delete on every table, then less on the ledger:
-- entries are only read and appended, running totals are read, created and moved forward
-- (the triggers of credits migration 0009 say how) but never deleted. TRUNCATE, TRIGGER
-- and REFERENCES are granted on nothing. Statements end with a semicolon at the end of a
-- line, and comments hold none, so tests can run this file statement by statement.

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO nightschool_web;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO nightschool_web;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM nightschool_web;

REVOKE UPDATE, DELETE ON credits_ledgerentry FROM nightschool_web;
REVOKE DELETE ON credits_learnerbalance FROM nightschool_web;

-- Tables a later migration adds are usable before this file is run again (still without
-- TRUNCATE), but run it again all the same: only it takes UPDATE and DELETE off the ledger.
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO nightschool_web;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO nightschool_web;
