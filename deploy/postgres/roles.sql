-- Night School's database roles. Run once, as a PostgreSQL superuser:
--
--   sudo -u postgres psql -v ON_ERROR_STOP=1 -f deploy/postgres/roles.sql
--
-- nightschool_owner owns the database and its tables and runs the migrations; nothing else
-- connects as it. nightschool_web is what gunicorn, the worker and the checkpoint timer use:
-- it owns nothing, so it cannot ALTER TABLE (switch the ledger's triggers off, drop them) or
-- TRUNCATE, and as a plain role it cannot set session_replication_role either. Its
-- privileges on the tables are granted by grants.sql, run after every migrate.
--
-- Set the passwords afterwards, in psql: \password nightschool_owner, \password nightschool_web

SELECT 'CREATE ROLE nightschool_owner LOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nightschool_owner') \gexec
SELECT 'CREATE ROLE nightschool_web LOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nightschool_web') \gexec
ALTER ROLE nightschool_web NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE nightschool_owner NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS;

SELECT 'CREATE DATABASE nightschool OWNER nightschool_owner'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'nightschool') \gexec
REVOKE ALL ON DATABASE nightschool FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE nightschool TO nightschool_web;

\connect nightschool
-- Only the owner creates objects in the schema.
ALTER SCHEMA public OWNER TO nightschool_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO nightschool_web;
