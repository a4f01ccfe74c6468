-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema version 2: activation, certificates and signatures (SmartCA steps
-- 5 and 6). Applied on top of version 1 (schema.sql), so a data directory
-- made before it opens and goes on. Times as in version 1.

-- One credential per enrollment: the citizen's key-authorisation key (KAK)
-- and device, the signing key the service made for them and its
-- certificate. The signing key is kept only wrapped (sbx-hsm.h:
-- AES-256-GCM under meta.hsm_wrapping_key), as an HSM keeps its keys.
CREATE TABLE credentials (
  credential_id           TEXT PRIMARY KEY,
  registration_id         TEXT NOT NULL UNIQUE REFERENCES registrations,
  citizen_id              TEXT NOT NULL REFERENCES citizens,
  created_at              INTEGER NOT NULL,
  kak_public_key          BLOB NOT NULL,      -- SubjectPublicKeyInfo DER
  device_id               TEXT NOT NULL,
  device_name             TEXT NOT NULL,
  device_platform         TEXT NOT NULL,
  -- A change of device that waits for its enrollment/device/confirm.
  pending_kak_public_key  BLOB,
  pending_device_id       TEXT,
  pending_device_name     TEXT,
  pending_device_platform TEXT,
  signing_key             BLOB,               -- wrapped PKCS#8
  certificate             BLOB,               -- DER
  serial_number           TEXT,               -- uppercase hex
  subject_dn              TEXT,               -- RFC 4514
  issuer_dn               TEXT,
  valid_from              INTEGER,
  valid_to                INTEGER
);
CREATE INDEX credentials_by_citizen ON credentials (citizen_id);

-- The one-time challenges of activation ('activation', for the
-- certificate) and of a change of device ('device'); a transaction keeps
-- its own. Issuing a new one marks the older open ones 'replaced'.
CREATE TABLE challenges (
  id            INTEGER PRIMARY KEY,
  credential_id TEXT NOT NULL REFERENCES credentials,
  purpose       TEXT NOT NULL CHECK (purpose IN ('activation', 'device')),
  challenge     TEXT NOT NULL,                -- Base64 of 32 random bytes
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  state         TEXT NOT NULL DEFAULT 'open'
                CHECK (state IN ('open', 'used', 'replaced'))
);
CREATE INDEX challenges_by_credential ON challenges (credential_id, purpose, state);

-- Waiting transactions (PROTOCOL.md): the acceptance record and the
-- portal's signing requests. status is VNPT's tranStatus: 4000 waiting,
-- 1 SUCCESS, 4001 EXPIRED, 4002 SIGNER_REJECTED.
CREATE TABLE transactions (
  tran_id       TEXT PRIMARY KEY,
  credential_id TEXT NOT NULL REFERENCES credentials,
  citizen_id    TEXT NOT NULL REFERENCES citizens,
  kind          TEXT NOT NULL CHECK (kind IN ('acceptance', 'portal')),
  ref_tran_id   TEXT,
  description   TEXT NOT NULL,
  challenge     TEXT NOT NULL,
  status        INTEGER NOT NULL DEFAULT 4000,
  req_time      INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  finished_at   INTEGER
);
CREATE INDEX transactions_by_citizen ON transactions (citizen_id, status, req_time);

-- A transaction's documents, in order. hash is the Base64 SHA-256 to be
-- signed: of a prepared PDF's /ByteRange, or the portal's. signature is
-- the signed PDF ('pdf') or the PKCS#1 v1.5 signature ('hash').
CREATE TABLE transaction_documents (
  tran_id   TEXT NOT NULL REFERENCES transactions,
  position  INTEGER NOT NULL,
  name      TEXT NOT NULL,
  type      TEXT NOT NULL CHECK (type IN ('pdf', 'hash')),
  hash      TEXT NOT NULL,
  data      BLOB,                             -- 'pdf': the prepared PDF
  signature BLOB,
  PRIMARY KEY (tran_id, position)
);
