-- Credits, cancellations and payments belong to an order and wait for its invoice.
ALTER TABLE "SyncJob" ADD COLUMN "orderId" TEXT;
ALTER TABLE "DocumentLink" ADD COLUMN "orderId" TEXT;
ALTER TABLE "DocumentLink" ADD COLUMN "document" TEXT;
ALTER TABLE "DocumentLink" ADD COLUMN "customerId" TEXT;
UPDATE "SyncJob" SET "orderId" = "subjectId" WHERE "kind" = 'invoice';
UPDATE "DocumentLink" SET "orderId" = "shopifyId" WHERE "kind" = 'invoice';
CREATE INDEX "SyncJob_shop_orderId_idx" ON "SyncJob"("shop", "orderId");
CREATE INDEX "DocumentLink_shop_orderId_idx" ON "DocumentLink"("shop", "orderId");
