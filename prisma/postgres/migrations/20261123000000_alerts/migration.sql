-- Alerts: a job ended in a problem or a connection was lost: what the admin shows and e-mails.
-- Shop.alertsEmailedAt throttles the e-mails to one per shop per interval.

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "alertsEmailedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "dedupKey" TEXT NOT NULL,
    "jobStatus" TEXT,
    "orderCount" INTEGER NOT NULL DEFAULT 0,
    "lastOrder" TEXT,
    "orderNames" TEXT,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),
    "emailedAt" TIMESTAMP(3),
    "emailedTo" TEXT,

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Alert_resolvedAt_emailedAt_idx" ON "Alert"("resolvedAt", "emailedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Alert_shop_dedupKey_key" ON "Alert"("shop", "dedupKey");
