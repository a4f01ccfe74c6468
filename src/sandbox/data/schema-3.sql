-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema version 3: PROTOCOL.md revision 2. Applied on top of version 2, so
-- that a data directory made before it opens and goes on: its citizens keep
-- their password counts, and its credentials stay without a PIN guard (they
-- answer 409 on ssa/sic/pin/* until a change of device gives them one).

-- The VNeID login's limits. Wrong passwords count per username string, a
-- citizen's ID or not (so that an unknown ID is answered as a citizen's);
-- wrong login OTPs count per citizen, across OTP sessions. A row goes once
-- both counts are zero and it is not locked.
CREATE TABLE login_limits (
  username        TEXT PRIMARY KEY,
  wrong_passwords INTEGER NOT NULL DEFAULT 0,
  wrong_otps      INTEGER NOT NULL DEFAULT 0,
  locked_until    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO login_limits (username, wrong_passwords, locked_until)
  SELECT citizen_id, failed_passwords, locked_until FROM citizens
  WHERE failed_passwords > 0 OR locked_until > 0;
ALTER TABLE citizens DROP COLUMN failed_passwords;
ALTER TABLE citizens DROP COLUMN locked_until;

-- A citizen's one open login OTP session gives its otp_session again to a
-- second password grant within 60 s: kept sealed (sbx-hsm.h), as the
-- service's other secrets that it must hand back.
ALTER TABLE otps ADD COLUMN sealed_session BLOB;

-- Wrong contract and device OTPs, counted per citizen across codes.
CREATE TABLE smartca_otp_limits (
  citizen_id TEXT PRIMARY KEY REFERENCES citizens,
  wrong_otps INTEGER NOT NULL
);

-- 1: the token came from a login (VNeID's, or SmartCA's hand-off), 0: from a
-- refresh token; NULL for tokens issued before this version, which count
-- as not fresh (a change of device needs a fresh hand-off).
ALTER TABLE tokens ADD COLUMN from_login INTEGER;

-- The PIN guard: SHA-256 of the pinVerifier, the pinShare sealed (as the
-- signing keys are), and the wrong PINs in a row (5 lock it). The pending
-- guard waits with the pending KAK for enrollment/device/confirm. A
-- credential activated before this version has none (NULL).
ALTER TABLE credentials ADD COLUMN pin_verifier_hash BLOB;
ALTER TABLE credentials ADD COLUMN pin_share BLOB;
ALTER TABLE credentials ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE credentials ADD COLUMN pending_pin_verifier_hash BLOB;
ALTER TABLE credentials ADD COLUMN pending_pin_share BLOB;

-- An answer that holds a secret (a pinShare) is kept sealed; body is then ''.
ALTER TABLE idempotency ADD COLUMN sealed_body BLOB;

-- signhash is idempotent on refTranId per citizen.
CREATE INDEX transactions_by_ref ON transactions (citizen_id, ref_tran_id);
