-- A merchant's booking of historical orders in a date range, resumable from its saved cursor.
CREATE TABLE "Backfill" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "fromDay" TEXT NOT NULL,
    "toDay" TEXT NOT NULL,
    "rangeFrom" DATETIME NOT NULL,
    "rangeTo" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "mode" TEXT NOT NULL DEFAULT 'pages',
    "cursor" TEXT,
    "bulkId" TEXT,
    "total" INTEGER,
    "seen" INTEGER NOT NULL DEFAULT 0,
    "queued" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "runningSince" DATETIME,
    "seenAtRunningSince" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" DATETIME,
    "finishedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

CREATE INDEX "Backfill_shop_status_idx" ON "Backfill"("shop", "status");
