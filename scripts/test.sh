#!/usr/bin/env bash
# The test command (npm test): checks, unit and simulator tests, then the integration suite on
# real parts twice, on SQLite and on PostgreSQL, and the demo and admin page end to end (the
# admin in Debian's Chromium). Needs redis-server, PostgreSQL and chromium (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

node scripts/prisma-postgres.mjs --check
# The app's type check and the order page's admin extensions (type-checked, bundled by the
# Shopify CLI, 64 KB limit checked) side by side: neither needs the other.
npx tsc --noEmit & tsc_pid=$!
npm run --silent build:extensions & ext_pid=$!
wait "$tsc_pid"
wait "$ext_pid"
npx remix vite:build >/dev/null

echo "== unit, simulator and connector contract tests (the contract: both connectors over HTTP against both simulators)"
npx vitest run test/unit test/simulators test/contract

echo "== integration tests on SQLite"
TEST_DB=sqlite npx vitest run test/integration

echo "== the demo and the admin page, end to end"
npx vitest run test/e2e

echo "== the fault and security suite on SQLite (CI counts; npm run test:faults -- --full --db both for the full run)"
# (Two web and two worker processes run once, on PostgreSQL, below.)
npx tsx scripts/faults.ts --skip "two web and two worker"

echo "== the same faults with Visma as the target: a kill mid-call, the token race"
# Duplicate deliveries and a flushed Redis are handled before any connector runs (the Fortnox run
# covers them); what depends on the target is a kill between its create and our commit (adopting
# the draft) and the token race. Visma's 429s, 503s and their classification are the contract
# suite's (both connectors, over HTTP); its flaky-API run is in --full.
npx tsx scripts/faults.ts --target visma --only "SIGKILLed after the remote create|racing an expired"

echo "== integration tests on PostgreSQL"
eval "$(scripts/postgres.sh)"
trap 'scripts/postgres.sh stop "$PG_DIR" || true' EXIT
# What runs here is what the database changes: the pipeline, tokens in session storage, switching
# systems. The golden scenarios, VAT regimes, retry schedule, alerts and backfill exercise the
# mapping, connectors, queue, e-mail timing and Shopify reads, not their queries: SQLite's run
# covers them (every run here applies all the migrations). The registers' queries (and their
# import's, a backfill's) are the pipeline's (jobs by subject, links by key).
TEST_DB=postgres TEST_POSTGRES_URL="$PG_URL" npx vitest run test/integration --exclude test/integration/documents.test.ts --exclude test/integration/documents-visma.test.ts --exclude test/integration/regimes.test.ts --exclude test/integration/retries.test.ts --exclude test/integration/alerts.test.ts --exclude test/integration/backfill.test.ts --exclude test/integration/register-import.test.ts --exclude test/integration/registers.test.ts --exclude test/integration/stock.test.ts

echo "== several web and worker processes on PostgreSQL (the fault suite's scenario for it)"
TEST_POSTGRES_URL="$PG_URL" npx tsx scripts/faults.ts --db postgres --only "two web and two worker"
