-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "settings" TEXT;
