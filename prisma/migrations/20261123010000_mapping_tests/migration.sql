-- Mapping tests: previewed orders saved with the document they are expected to become.
-- CreateTable
CREATE TABLE "MappingTest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "payload" TEXT NOT NULL,
    "metafields" TEXT,
    "expected" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "MappingTest_shop_idx" ON "MappingTest"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "MappingTest_shop_orderId_key" ON "MappingTest"("shop", "orderId");
