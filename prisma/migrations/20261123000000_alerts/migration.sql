-- Alerts: a job ended in a problem or a connection was lost; what the admin shows and e-mails.
-- Shop.alertsEmailedAt throttles the e-mails to one per shop per interval.
-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "alertsEmailedAt" DATETIME;

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "dedupKey" TEXT NOT NULL,
    "jobStatus" TEXT,
    "orderCount" INTEGER NOT NULL DEFAULT 0,
    "lastOrder" TEXT,
    "orderNames" TEXT,
    "firstSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" DATETIME,
    "emailedAt" DATETIME,
    "emailedTo" TEXT
);

-- CreateIndex
CREATE INDEX "Alert_resolvedAt_emailedAt_idx" ON "Alert"("resolvedAt", "emailedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Alert_shop_dedupKey_key" ON "Alert"("shop", "dedupKey");

