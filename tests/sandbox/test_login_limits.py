# SPDX-License-Identifier: GPL-3.0-or-later
"""PROTOCOL.md rev 2, "Step 1b": the VNeID login's limits are per citizen,
not per session, and its answers tell nothing about which citizen IDs exist."""

import os
import sqlite3

import sandbox
from sandbox import AN, BAO, CITIZENS, NGOC, NHUNG, SandboxTestCase

UNKNOWN = '001099999999'    # 12 digits, no citizen's


def wrong(otp):
    return '%06d' % ((int(otp) + 1) % 1000000)


class LoginLimits(SandboxTestCase):

    def limits_row(self, username):
        db = sqlite3.connect('file:%s?mode=ro' % os.path.join(self.sb.data_dir, 'sandbox.db'),
                             uri=True)
        try:
            return db.execute('SELECT wrong_passwords, wrong_otps, locked_until > 0 '
                              'FROM login_limits WHERE username = ?', (username,)).fetchone()
        finally:
            db.close()

    def session_states(self, citizen_id):
        db = sqlite3.connect('file:%s?mode=ro' % os.path.join(self.sb.data_dir, 'sandbox.db'),
                             uri=True)
        try:
            return [r[0] for r in db.execute(
                "SELECT state FROM otps WHERE purpose = 'vneid-login' AND citizen_id = ? "
                "ORDER BY id", (citizen_id,))]
        finally:
            db.close()

    def password_hashes(self):
        r = self.sb.control('GET', 'stats')
        self.assertEqual(r.status, 200, r)
        return r.json['passwordHashes']

    def session(self, citizen_id):
        r = self.sb.password_grant(citizen_id)
        body = self.assertOAuthError(r, 401, 'otp_required')
        return body['otp_session'], self.sb.latest_otp(CITIZENS[citizen_id]['phone'],
                                                       'vneid-login')

    def test_username_not_12_digits_is_not_counted(self):
        for username in ('00109300000', '0010930000011', '00109300000x', 'an@example.vn', ''):
            r = self.sb.password_grant(username, 'sai')
            self.assertOAuthError(r, 400, 'invalid_request')
        self.assertIsNone(self.limits_row('00109300000'))
        # A citizen's own count is untouched by them.
        r = self.sb.password_grant(BAO, 'sai')
        self.assertEqual(self.assertOAuthError(r, 400, 'invalid_grant')['attempts_left'], 4)

    def test_unknown_id_is_answered_as_a_wrong_password_with_the_same_work(self):
        def attempt(username):
            before = self.password_hashes()
            r = self.sb.password_grant(username, 'Sai@mat-khau')
            # One PBKDF2 either way, none once locked.
            return r, self.password_hashes() - before

        for i in range(6):
            known, known_work = attempt(BAO)
            unknown, unknown_work = attempt(UNKNOWN)
            self.assertEqual((known.status, known.json), (unknown.status, unknown.json), i)
            self.assertEqual(known.content_type, unknown.content_type)
            self.assertEqual(known.header('Cache-Control'), unknown.header('Cache-Control'))
            self.assertEqual(known_work, unknown_work, i)
            if i < 4:
                self.assertEqual(known.json['attempts_left'], 4 - i)
                self.assertEqual(known_work, 1)
            else:
                self.assertOAuthError(known, 403, 'account_locked')
                self.assertEqual(known.json['retry_after'], 300)
                self.assertEqual(known_work, 1 if i == 4 else 0)
        # Locked alike: the right password changes nothing for either.
        self.assertEqual(self.sb.password_grant(BAO).json, self.sb.password_grant(UNKNOWN).json)

    def test_wrong_passwords_are_counted_per_username_in_the_database(self):
        for left in (4, 3):
            r = self.sb.password_grant(UNKNOWN, 'sai')
            self.assertEqual(self.assertOAuthError(r, 400, 'invalid_grant')['attempts_left'],
                             left)
        self.assertEqual(self.limits_row(UNKNOWN), (2, 0, 0))
        self.assertIsNone(self.limits_row(NGOC))
        # Kept across a restart.
        self.sb.restart()
        r = self.sb.password_grant(UNKNOWN, 'sai')
        self.assertEqual(self.assertOAuthError(r, 400, 'invalid_grant')['attempts_left'], 2)
        # A citizen's row goes once their count is zero again.
        self.sb.password_grant(NGOC, 'sai')
        self.assertEqual(self.limits_row(NGOC), (1, 0, 0))
        self.assertOAuthError(self.sb.password_grant(NGOC), 401, 'otp_required')
        self.assertIsNone(self.limits_row(NGOC))

    def test_one_open_otp_session_per_citizen(self):
        phone = CITIZENS[AN]['phone']
        r = self.sb.password_grant(AN, scope='openid smartca')
        first = self.assertOAuthError(r, 401, 'otp_required')
        sent = self.sb.outbox(phone)
        self.assertEqual(len(sent), 1)
        self.sb.advance(20)
        # Within 60 s: that session, its first scope, the seconds it has left,
        # and no new code.
        r = self.sb.password_grant(AN, scope='openid profile smartca')
        again = self.assertOAuthError(r, 401, 'otp_required')
        self.assertEqual(again['otp_session'], first['otp_session'])
        self.assertEqual(again['otp_sent_to'], first['otp_sent_to'])
        self.assertIn(again['expires_in'], (279, 280), again)
        self.assertEqual(self.sb.outbox(phone), sent)
        r = self.sb.otp_grant(again['otp_session'], sent[0]['code'])
        self.assertVneidTokens(r, scope='openid smartca')

    def test_a_session_older_than_60_s_gives_way_to_a_new_one(self):
        phone = CITIZENS[AN]['phone']
        first, old_code = self.session(AN)
        self.sb.advance(61)
        r = self.sb.password_grant(AN)
        second = self.assertOAuthError(r, 401, 'otp_required')
        self.assertNotEqual(second['otp_session'], first)
        self.assertEqual(second['expires_in'], 300)
        self.assertEqual(len(self.sb.outbox(phone)), 2)
        new_code = self.sb.latest_otp(phone, 'vneid-login')
        # The first session is void, with its code.
        self.assertOAuthError(self.sb.otp_grant(first, old_code), 400, 'expired_token')
        self.assertVneidTokens(self.sb.otp_grant(second['otp_session'], new_code))

    def test_wrong_otps_count_per_citizen_across_sessions(self):
        session, code = self.session(NHUNG)
        for left in (4, 3):
            r = self.sb.otp_grant(session, wrong(code))
            self.assertEqual(self.assertOAuthError(r, 400, 'invalid_otp')['attempts_left'], left)
        self.sb.advance(61)
        session, code = self.session(NHUNG)
        # A right password resets the password count, not the OTP count.
        r = self.sb.otp_grant(session, wrong(code))
        self.assertEqual(self.assertOAuthError(r, 400, 'invalid_otp')['attempts_left'], 2)
        self.assertEqual(self.limits_row(NHUNG), (0, 3, 0))
        # A right OTP resets both.
        self.sb.password_grant(NHUNG, 'sai')
        self.assertVneidTokens(self.sb.otp_grant(session, code))
        self.assertIsNone(self.limits_row(NHUNG))

    def test_fifth_wrong_otp_locks_like_the_fifth_wrong_password(self):
        phone = CITIZENS[AN]['phone']
        session, code = self.session(AN)
        for left in (4, 3, 2):
            self.assertOAuthError(self.sb.otp_grant(session, wrong(code)), 400, 'invalid_otp')
        self.sb.advance(61)
        session, code = self.session(AN)
        self.assertOAuthError(self.sb.otp_grant(session, wrong(code)), 400, 'invalid_otp')
        r = self.sb.otp_grant(session, wrong(code))
        self.assertEqual(self.assertOAuthError(r, 403, 'account_locked')['retry_after'], 300)
        self.assertEqual(self.session_states(AN), ['replaced', 'replaced'])
        # Every grant while locked, and no code goes out.
        sent = self.sb.outbox(phone)
        self.assertOAuthError(self.sb.otp_grant(session, code), 403, 'account_locked')
        r = self.sb.password_grant(AN)
        self.assertTrue(0 < self.assertOAuthError(r, 403, 'account_locked')['retry_after'] <= 300)
        self.assertEqual(self.sb.outbox(phone), sent)
        # Once it ends: the session is void, and both counts are 0.
        self.sb.advance(301)
        self.assertOAuthError(self.sb.otp_grant(session, code), 400, 'expired_token')
        r = self.sb.password_grant(AN, 'sai')
        self.assertEqual(self.assertOAuthError(r, 400, 'invalid_grant')['attempts_left'], 4)
        session, code = self.session(AN)
        r = self.sb.otp_grant(session, wrong(code))
        self.assertEqual(self.assertOAuthError(r, 400, 'invalid_otp')['attempts_left'], 4)

    def test_a_lock_voids_the_open_session(self):
        session, code = self.session(BAO)
        self.assertEqual(self.session_states(BAO), ['open'])
        for _ in range(5):
            r = self.sb.password_grant(BAO, 'sai')
        self.assertOAuthError(r, 403, 'account_locked')
        # Void at once, not only when its 300 s are over.
        self.assertEqual(self.session_states(BAO), ['replaced'])
        self.sb.advance(301)
        self.assertOAuthError(self.sb.otp_grant(session, code), 400, 'expired_token')


if __name__ == '__main__':
    sandbox.main(title='test_login_limits')
