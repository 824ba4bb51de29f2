-- What the merchant chose, when connecting another accounting system, for the old one's unbooked orders.
ALTER TABLE "OAuthState" ADD COLUMN "onSwitch" TEXT;
