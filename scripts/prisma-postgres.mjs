// Derives prisma/postgres/schema.prisma from prisma/schema.prisma: same models, PostgreSQL provider,
// its own generated client. Run by `npm run db:generate`; the derived file is committed so
// `prisma migrate` for PostgreSQL has a schema to read, and CI checks that it is not stale.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";

const source = readFileSync("prisma/schema.prisma", "utf8");
const derived = source
  .replace('provider = "sqlite"', 'provider = "postgresql"')
  .replace(/  \/\/ Where @prisma\/client[^\n]*\n  output     = "[^"]*"/, '  output     = "../../generated/postgres"')
  .replace(/^\/\/ The one schema source[^\n]*\n(\/\/[^\n]*\n)*/m,
    "// GENERATED from prisma/schema.prisma by scripts/prisma-postgres.mjs — edit that file instead.\n");
if (derived === source || !derived.includes('"postgresql"')) throw new Error("schema derivation failed");
mkdirSync("prisma/postgres", { recursive: true });
const target = "prisma/postgres/schema.prisma";
const check = process.argv.includes("--check");
if (check) {
  const current = readFileSync(target, "utf8");
  if (current !== derived) { console.error(`${target} is stale: run npm run db:generate`); process.exit(1); }
} else writeFileSync(target, derived);

// The PostgreSQL driver adapter runs a migration by splitting it at every ";", comments included:
// a ";" in a comment leaves a fragment of prose to run as SQL, and the migration fails there.
if (check) {
  const { readdirSync } = await import("node:fs");
  for (const dir of ["prisma/postgres/migrations"]) {
    for (const m of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const file = `${dir}/${m.name}/migration.sql`;
      readFileSync(file, "utf8").split("\n").forEach((line, i) => {
        if (/--.*;/.test(line)) { console.error(`${file}:${i + 1}: a ";" in a comment breaks the PostgreSQL migration (the adapter splits at it)`); process.exitCode = 1; }
      });
    }
  }
}
