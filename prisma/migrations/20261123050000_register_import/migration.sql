-- The initial import of customers and products runs as a backfill of its own subject.
ALTER TABLE "Backfill" ADD COLUMN "subject" TEXT NOT NULL DEFAULT 'orders';
