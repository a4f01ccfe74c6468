-- SPDX-License-Identifier: GPL-3.0-or-later
-- The sandbox's database, schema version 1. All times are milliseconds since
-- the Unix epoch on the sandbox clock (sbx-clock.h). Secrets that the service
-- must only check (passwords, OTPs, tokens, codes) are stored as hashes; the
-- outbox is the one place an OTP is readable, as an SMS would be.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value BLOB
);

CREATE TABLE citizens (
  citizen_id          TEXT PRIMARY KEY,
  sub                 TEXT NOT NULL UNIQUE,
  password_salt       BLOB NOT NULL,
  password_hash       BLOB NOT NULL,          -- PBKDF2-HMAC-SHA256 of the NFC password
  password_iterations INTEGER NOT NULL,
  full_name           TEXT NOT NULL,
  date_of_birth       TEXT NOT NULL,          -- YYYY-MM-DD
  gender              TEXT NOT NULL CHECK (gender IN ('male', 'female')),
  nationality         TEXT NOT NULL DEFAULT 'VN',
  phone               TEXT NOT NULL,
  email               TEXT,
  identity_level      INTEGER NOT NULL,
  province            TEXT NOT NULL,
  ward                TEXT NOT NULL,
  street              TEXT NOT NULL,
  district            TEXT,
  failed_passwords    INTEGER NOT NULL DEFAULT 0,
  locked_until        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tokens (
  token_hash      BLOB PRIMARY KEY,           -- SHA-256 of the token
  service         TEXT NOT NULL CHECK (service IN ('vneid', 'smartca')),
  kind            TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
  citizen_id      TEXT NOT NULL REFERENCES citizens,
  registration_id TEXT,                       -- SmartCA tokens only
  scope           TEXT NOT NULL,
  issued_at       INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  revoked         INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE device_codes (
  device_code_hash BLOB PRIMARY KEY,
  user_code        TEXT NOT NULL UNIQUE,
  scope            TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  interval_s       INTEGER NOT NULL,
  last_poll_at     INTEGER,
  state            TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'approved', 'denied', 'used')),
  citizen_id       TEXT REFERENCES citizens
);

-- One row per OTP sent. For 'vneid-login' the subject is the SHA-256 of the
-- otp_session (hex) and scope the requested scope; for 'contract' and
-- 'device' the subject is the registration id. Issuing a new OTP for a
-- subject marks the older open ones 'replaced'.
CREATE TABLE otps (
  id            INTEGER PRIMARY KEY,
  purpose       TEXT NOT NULL CHECK (purpose IN ('vneid-login', 'contract', 'device')),
  subject       TEXT NOT NULL,
  citizen_id    TEXT NOT NULL REFERENCES citizens,
  scope         TEXT,
  otp_salt      BLOB NOT NULL,
  otp_hash      BLOB NOT NULL,                -- SHA-256 (salt || otp)
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  attempts_left INTEGER NOT NULL DEFAULT 5,
  state         TEXT NOT NULL DEFAULT 'open'
                CHECK (state IN ('open', 'used', 'locked', 'replaced'))
);
CREATE INDEX otps_by_subject ON otps (purpose, subject, state);

CREATE TABLE outbox (
  id      INTEGER PRIMARY KEY,
  phone   TEXT NOT NULL,
  code    TEXT NOT NULL,
  purpose TEXT NOT NULL,
  sent_at INTEGER NOT NULL
);
CREATE INDEX outbox_by_phone ON outbox (phone, id);

CREATE TABLE registrations (
  registration_id  TEXT PRIMARY KEY,
  citizen_id       TEXT NOT NULL REFERENCES citizens,
  service_pack     TEXT NOT NULL,
  terms_version    TEXT NOT NULL,
  status           TEXT NOT NULL
                   CHECK (status IN ('SUBMITTED', 'SYNCED', 'CONTRACT_SIGNED', 'ACTIVE', 'REJECTED')),
  created_at       INTEGER NOT NULL,
  first_handoff_at INTEGER
);
-- Never a second registration that is not REJECTED.
CREATE UNIQUE INDEX one_open_registration ON registrations (citizen_id)
  WHERE status != 'REJECTED';

CREATE TABLE handoff_codes (
  code_hash       BLOB PRIMARY KEY,
  registration_id TEXT NOT NULL REFERENCES registrations,
  expires_at      INTEGER NOT NULL,
  used            INTEGER NOT NULL DEFAULT 0
);

-- Answers kept for Idempotency-Key repeats (24 h, per citizen).
CREATE TABLE idempotency (
  citizen_id TEXT NOT NULL,
  key        TEXT NOT NULL,
  status     INTEGER NOT NULL,
  body       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (citizen_id, key)
);

CREATE TABLE enrollments (
  registration_id    TEXT PRIMARY KEY REFERENCES registrations,
  citizen_id         TEXT NOT NULL REFERENCES citizens,
  state              TEXT NOT NULL CHECK (state IN ('SYNCING', 'CONTRACT_PENDING',
                       'ACTIVATION_PENDING', 'CERTIFICATE_PENDING', 'ACCEPTANCE_PENDING', 'ACTIVE')),
  synced_at          INTEGER NOT NULL,        -- SYNCING ends then
  credential_id      TEXT,
  acceptance_tran_id TEXT
);

CREATE TABLE contracts (
  contract_id     TEXT PRIMARY KEY,
  registration_id TEXT NOT NULL UNIQUE REFERENCES registrations,
  name            TEXT NOT NULL,
  pdf             BLOB NOT NULL,
  hash            TEXT NOT NULL,              -- Base64 SHA-256 of pdf
  terms_version   TEXT NOT NULL,
  otp_sent_at     INTEGER,
  signed_at       INTEGER,
  signed_pdf      BLOB
);
