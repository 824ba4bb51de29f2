-- Mapping tests: previewed orders saved with the document they are expected to become.
-- CreateTable
CREATE TABLE "MappingTest" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT,
    "payload" TEXT NOT NULL,
    "metafields" TEXT,
    "expected" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MappingTest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MappingTest_shop_idx" ON "MappingTest"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "MappingTest_shop_orderId_key" ON "MappingTest"("shop", "orderId");
