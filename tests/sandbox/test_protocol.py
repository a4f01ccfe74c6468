# SPDX-License-Identifier: GPL-3.0-or-later
"""Every endpoint of issue #2 against PROTOCOL.md: each success and each
error, through real HTTPS to a sandbox process. PROTOCOL.md is the
specification: where the sandbox disagrees, these tests are right."""

import base64
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest
import warnings

import sandbox
from test_signing import *  # noqa: F401,F403 - issue #3's tests run in this suite
from test_signing import SIGNING_REQUIRED
from sandbox import (AN, BAO, CITIZENS, CLIENT_ID, GRANT_DEVICE, HUONG, HUY, NGOC, NHUNG,
                     PASSWORD, SERVICE_PACK, TUAN, Sandbox, SandboxTestCase, mask_phone, new_key,
                     registration_body, sha256_b64)

REGISTRATIONS = 'api/v1/smartca/registrations'
REGISTRATION = 'api/v1/smartca/registrations/{id}'
HANDOFF = 'api/v1/smartca/registrations/{id}/handoff'

V = 'POST VNEID/'
S = 'POST SMARTCA/'
C = 'CONTROL/'

# Issue #2's endpoints with every status and code PROTOCOL.md gives them
# (VNeID: the RFC 6749 error; SmartCA resources: the envelope code;
# CONTROL: None for success, "error" for a refusal). The suite fails if
# one of these was never exercised. Left out: 500 / 50000 (no request can
# make a healthy sandbox fail). Issue #3's endpoints (activation,
# certificates, transactions, credentials, the portal) and their tests are
# in test_signing.py, run here too.
REQUIRED = [
    (V + 'oauth/device_authorization', 200, None),
    (V + 'oauth/device_authorization', 400, 'invalid_request'),
    (V + 'oauth/token', 200, None),
    (V + 'oauth/token', 400, 'authorization_pending'),
    (V + 'oauth/token', 400, 'slow_down'),
    (V + 'oauth/token', 400, 'access_denied'),
    (V + 'oauth/token', 400, 'expired_token'),
    (V + 'oauth/token', 401, 'otp_required'),
    (V + 'oauth/token', 400, 'invalid_grant'),
    (V + 'oauth/token', 403, 'account_locked'),
    (V + 'oauth/token', 400, 'invalid_otp'),
    (V + 'oauth/token', 400, 'invalid_request'),
    (V + 'oauth/token', 400, 'unsupported_grant_type'),
    (V + 'oauth/revoke', 200, None),
    (V + 'oauth/revoke', 400, 'invalid_request'),
    ('GET VNEID/api/v1/userinfo', 200, None),
    ('GET VNEID/api/v1/userinfo', 401, 'invalid_token'),
    (V + REGISTRATIONS, 201, None),
    (V + REGISTRATIONS, 200, None),
    (V + REGISTRATIONS, 400, 'invalid_request'),
    (V + REGISTRATIONS, 400, 'consent_required'),
    (V + REGISTRATIONS, 403, 'identity_level_insufficient'),
    (V + REGISTRATIONS, 401, 'invalid_token'),
    ('GET VNEID/' + REGISTRATION, 200, None),
    ('GET VNEID/' + REGISTRATION, 404, 'not_found'),
    ('GET VNEID/' + REGISTRATION, 401, 'invalid_token'),
    (V + HANDOFF, 200, None),
    (V + HANDOFF, 404, 'not_found'),
    (V + HANDOFF, 401, 'invalid_token'),
    ('ANY VNEID/<unknown path>', 404, 'not_found'),
    ('ANY VNEID/<wrong method>', 405, 'method_not_allowed'),
    ('ANY VNEID/<body over 1 MiB>', 413, '*'),
    ('ANY VNEID/<faults>', 503, '*'),
    (S + 'auth/token', 200, None),
    (S + 'auth/token', 400, 'invalid_grant'),
    (S + 'auth/token', 400, 'invalid_request'),
    (S + 'auth/token', 400, 'unsupported_grant_type'),
    (S + 'auth/revoke', 200, None),
    (S + 'identityapi/userinfo/info', 200, None),
    (S + 'identityapi/userinfo/info', 401, 40100),
    (S + 'enrollment/status', 200, None),
    (S + 'enrollment/status', 401, 40100),
    (S + 'enrollment/contract', 200, None),
    (S + 'enrollment/contract', 409, 40900),
    (S + 'enrollment/contract', 401, 40100),
    (S + 'enrollment/contract', 400, 30000),
    (S + 'enrollment/contract/otp', 200, None),
    (S + 'enrollment/contract/otp', 429, 42900),
    (S + 'enrollment/contract/otp', 409, 40900),
    (S + 'enrollment/contract/otp', 400, 30000),
    (S + 'enrollment/contract/otp', 401, 40100),
    (S + 'enrollment/contract/sign', 200, None),
    (S + 'enrollment/contract/sign', 400, 44003),
    (S + 'enrollment/contract/sign', 400, 44000),
    (S + 'enrollment/contract/sign', 403, 44002),
    (S + 'enrollment/contract/sign', 400, 44001),
    (S + 'enrollment/contract/sign', 409, 40900),
    (S + 'enrollment/contract/sign', 400, 30000),
    (S + 'enrollment/contract/sign', 401, 40100),
    ('ANY SMARTCA/<unknown path>', 404, '*'),
    ('ANY SMARTCA/<wrong method>', 405, '*'),
    ('ANY SMARTCA/<body over 1 MiB>', 413, 41300),
    ('ANY SMARTCA/<faults>', 503, 50300),
    ('GET ' + C + 'outbox', 200, None),
    ('POST ' + C + 'vneid/approve', 200, None),
    ('POST ' + C + 'vneid/approve', '4xx', 'error'),
    ('POST ' + C + 'vneid/deny', 200, None),
    ('POST ' + C + 'faults', 200, None),
    ('POST ' + C + 'clock', 200, None),
    ('ANY CONTROL/<unknown path>', 404, 'error'),
] + SIGNING_REQUIRED


def record(label, status, code):
    sandbox.EXERCISED.add((label, status, code))


def b64decode(text):
    return base64.b64decode(text.encode('ascii'), validate=True)


def lines_of(text):
    return [re.sub(r'\s+', ' ', line).strip() for line in text.splitlines()]


# --- VNeID: QR login (RFC 8628) ------------------------------------------------

class DeviceFlow(SandboxTestCase):

    def test_device_authorization(self):
        r = self.sb.device_authorization()
        self.assertJson(r)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(r.json), {'device_code', 'user_code', 'verification_uri',
                                       'verification_uri_complete', 'expires_in',
                                       'interval'}, r)
        self.assertEqual((r.json['expires_in'], r.json['interval']), (600, 5))
        self.assertRegex(r.json['user_code'], r'^[A-Z0-9]{4}-[A-Z0-9]{4}$')
        self.assertRegex(r.json['verification_uri'], r'^https://')
        self.assertRegex(r.json['verification_uri_complete'], r'^https://')
        self.assertIn(r.json['user_code'], r.json['verification_uri_complete'])
        self.assertGreaterEqual(len(r.json['device_code']), 16)
        # Without a scope: the default.
        r2 = self.sb.vneid('POST', 'oauth/device_authorization', form={'client_id': CLIENT_ID})
        self.assertEqual(r2.status, 200, r2)
        self.assertNotEqual(r2.json['device_code'], r.json['device_code'])
        self.assertNotEqual(r2.json['user_code'], r.json['user_code'])

    def test_device_authorization_without_client_id(self):
        r = self.sb.vneid('POST', 'oauth/device_authorization', form={'scope': 'openid'})
        self.assertOAuthError(r, 400, 'invalid_request')
        self.assertIn('client_id', r.json['error_description'])

    def test_pending_slow_down_approved_once(self):
        d = self.sb.device_authorization().json
        r = self.sb.device_poll(d['device_code'])
        self.assertOAuthError(r, 400, 'authorization_pending')
        r = self.sb.device_poll(d['device_code'])
        self.assertOAuthError(r, 400, 'slow_down')
        # After slow_down the client adds 5 s to its interval: wait 11 s.
        self.sb.advance(11)
        r = self.sb.device_poll(d['device_code'])
        self.assertOAuthError(r, 400, 'authorization_pending')
        self.sb.approve(d['user_code'], AN)
        # Approved: the very next poll gets the tokens whatever its timing.
        r = self.sb.device_poll(d['device_code'])
        token = self.assertVneidTokens(r)
        u = self.sb.vneid('GET', 'api/v1/userinfo', token=token)
        self.assertEqual((u.status, u.json['citizen_id']), (200, AN), u)
        # A device code yields tokens once.
        self.sb.advance(6)
        r = self.sb.device_poll(d['device_code'])
        self.assertEqual(r.status, 400, r)
        self.assertIn(r.error, ('invalid_grant', 'expired_token'), r)
        self.assertNotIn('access_token', r.json)

    def test_interval(self):
        # "slow_down for a poll sooner than interval after the previous one":
        # 6 s after the previous poll is not sooner than 5 s, even after a
        # slow_down (the client's own +5 s is on top of that).
        d = self.sb.device_authorization().json
        self.assertOAuthError(self.sb.device_poll(d['device_code']), 400,
                              'authorization_pending')
        self.sb.advance(6)
        self.assertOAuthError(self.sb.device_poll(d['device_code']), 400,
                              'authorization_pending')
        self.sb.advance(2)
        self.assertOAuthError(self.sb.device_poll(d['device_code']), 400, 'slow_down')
        self.sb.advance(6)
        self.assertOAuthError(self.sb.device_poll(d['device_code']), 400,
                              'authorization_pending')

    def test_denied(self):
        d = self.sb.device_authorization().json
        self.assertOAuthError(self.sb.device_poll(d['device_code']), 400,
                              'authorization_pending')
        r = self.sb.deny(d['user_code'], NGOC)
        self.assertEqual(r.json, {})
        r = self.sb.device_poll(d['device_code'])
        self.assertOAuthError(r, 400, 'access_denied')
        self.assertNotIn('access_token', r.json)

    def test_expired(self):
        d = self.sb.device_authorization().json
        self.sb.advance(601)
        self.assertOAuthError(self.sb.device_poll(d['device_code']), 400, 'expired_token')
        # Approving an expired code does not revive it.
        self.sb.control('POST', 'vneid/approve', body={'user_code': d['user_code'],
                                                       'citizen_id': AN})
        self.sb.advance(6)
        r = self.sb.device_poll(d['device_code'])
        self.assertEqual(r.status, 400, r)
        self.assertNotIn('access_token', r.json)

    def test_unknown_device_code(self):
        r = self.sb.device_poll('x' * 43)
        self.assertOAuthError(r, 400, 'invalid_grant')

    def test_approve_refusals(self):
        d = self.sb.device_authorization().json
        r = self.sb.control('POST', 'vneid/approve', body={'user_code': 'BBBB-CCCC',
                                                           'citizen_id': AN},
                            label='POST CONTROL/vneid/approve')
        self.assertControlError(r, (400, 404, 409))
        record('POST CONTROL/vneid/approve', '4xx', 'error')
        r = self.sb.control('POST', 'vneid/approve', body={'user_code': d['user_code'],
                                                           'citizen_id': '001099999999'})
        self.assertControlError(r, (400, 404, 409))
        r = self.sb.control('POST', 'vneid/approve', body={'user_code': d['user_code']})
        self.assertControlError(r, (400,))
        # None of that approved anything.
        self.assertOAuthError(self.sb.device_poll(d['device_code']), 400,
                              'authorization_pending')


# --- VNeID: password + OTP ------------------------------------------------------

class PasswordLogin(SandboxTestCase):

    def test_password_then_otp(self):
        phone = CITIZENS[AN]['phone']
        before = self.sb.outbox(phone)
        r = self.sb.password_grant(AN)
        body = self.assertOAuthError(r, 401, 'otp_required')
        self.assertIsInstance(body.get('otp_session'), str, r)
        self.assertEqual(body.get('otp_sent_to'), '09******78', r)
        self.assertEqual(body.get('otp_sent_to'), mask_phone(phone))
        self.assertEqual(body.get('expires_in'), 300, r)
        after = self.sb.outbox(phone)
        self.assertEqual(len(after), len(before) + 1)
        sent = after[0]
        self.assertEqual(set(sent), {'to', 'code', 'purpose', 'sent_at'})
        self.assertEqual((sent['to'], sent['purpose']), (phone, 'vneid-login'))
        self.assertRegex(sent['code'], r'^[0-9]{6}$')
        self.assertRfc3339(sent['sent_at'])
        r = self.sb.otp_grant(body['otp_session'], sent['code'])
        token = self.assertVneidTokens(r)
        u = self.sb.vneid('GET', 'api/v1/userinfo', token=token)
        self.assertEqual(u.status, 200, u)

    def test_explicit_scope(self):
        r = self.sb.password_grant(NHUNG, scope='openid profile smartca')
        self.assertOAuthError(r, 401, 'otp_required')
        otp = self.sb.latest_otp(CITIZENS[NHUNG]['phone'], 'vneid-login')
        self.assertVneidTokens(self.sb.otp_grant(r.json['otp_session'], otp))

    def test_wrong_password_attempts_and_lock(self):
        for left in (4, 3, 2, 1):
            r = self.sb.password_grant(BAO, 'Sai@mat-khau')
            body = self.assertOAuthError(r, 400, 'invalid_grant')
            self.assertEqual(body.get('attempts_left'), left, r)
        r = self.sb.password_grant(BAO, 'Sai@mat-khau')
        body = self.assertOAuthError(r, 403, 'account_locked')
        self.assertIsInstance(body.get('retry_after'), int, r)
        self.assertTrue(0 < body['retry_after'] <= 300, r)
        # Locked: even the right password is refused, and no OTP goes out.
        before = self.sb.outbox(CITIZENS[BAO]['phone'])
        r = self.sb.password_grant(BAO)
        body = self.assertOAuthError(r, 403, 'account_locked')
        self.assertTrue(0 < body['retry_after'] <= 300, r)
        self.assertEqual(self.sb.outbox(CITIZENS[BAO]['phone']), before)
        self.sb.advance(150)
        r = self.sb.password_grant(BAO)
        body = self.assertOAuthError(r, 403, 'account_locked')
        self.assertTrue(0 < body['retry_after'] <= 150, r)
        self.sb.advance(151)
        r = self.sb.password_grant(BAO)
        self.assertOAuthError(r, 401, 'otp_required')

    def test_right_password_resets_the_count(self):
        for left in (4, 3):
            r = self.sb.password_grant(NHUNG, 'sai')
            self.assertEqual(self.assertOAuthError(r, 400, 'invalid_grant')['attempts_left'],
                             left)
        self.assertOAuthError(self.sb.password_grant(NHUNG), 401, 'otp_required')
        r = self.sb.password_grant(NHUNG, 'sai')
        self.assertEqual(self.assertOAuthError(r, 400, 'invalid_grant')['attempts_left'], 4)

    def test_unknown_citizen(self):
        r = self.sb.password_grant('001099999999')
        self.assertOAuthError(r, 400, 'invalid_grant')

    def test_wrong_otp_attempts_then_void(self):
        r = self.sb.password_grant(AN)
        session = r.json['otp_session']
        otp = self.sb.latest_otp(CITIZENS[AN]['phone'], 'vneid-login')
        wrong = '%06d' % ((int(otp) + 1) % 1000000)
        for left in (4, 3, 2, 1):
            r = self.sb.otp_grant(session, wrong)
            body = self.assertOAuthError(r, 400, 'invalid_otp')
            self.assertEqual(body.get('attempts_left'), left, r)
        # Rev 2: the 5th wrong OTP locks the citizen as the 5th wrong
        # password does, and voids the session: from then on, even the
        # right OTP is refused.
        r = self.sb.otp_grant(session, wrong)
        body = self.assertOAuthError(r, 403, 'account_locked')
        self.assertTrue(0 < body['retry_after'] <= 300, r)
        r = self.sb.otp_grant(session, otp)
        self.assertOAuthError(r, 403, 'account_locked')
        self.sb.advance(301)
        r = self.sb.otp_grant(session, otp)
        self.assertOAuthError(r, 400, 'expired_token')

    def test_otp_expires(self):
        r = self.sb.password_grant(AN)
        otp = self.sb.latest_otp(CITIZENS[AN]['phone'], 'vneid-login')
        self.sb.advance(301)
        r = self.sb.otp_grant(r.json['otp_session'], otp)
        self.assertOAuthError(r, 400, 'expired_token')

    def test_otp_used_once(self):
        r = self.sb.password_grant(AN)
        session = r.json['otp_session']
        otp = self.sb.latest_otp(CITIZENS[AN]['phone'], 'vneid-login')
        # A refused call consumes nothing: the right OTP still works after it.
        wrong = '%06d' % ((int(otp) + 7) % 1000000)
        self.assertOAuthError(self.sb.otp_grant(session, wrong), 400, 'invalid_otp')
        self.assertVneidTokens(self.sb.otp_grant(session, otp))
        r = self.sb.otp_grant(session, otp)
        self.assertEqual(r.status, 400, r)
        self.assertIn(r.error, ('expired_token', 'invalid_grant'), r)

    def test_unknown_otp_session(self):
        r = self.sb.otp_grant('no-such-session-' + 'x' * 20, '123456')
        self.assertEqual(r.status, 400, r)
        self.assertIn(r.error, ('expired_token', 'invalid_grant'), r)
        self.assertOAuthError(r, 400, r.error)

    def test_passwords_compared_in_nfc(self):
        password = CITIZENS[HUY]['password']
        decomposed = sandbox.nfd(password)
        self.assertNotEqual(decomposed, password)
        r = self.sb.password_grant(HUY, decomposed)
        self.assertOAuthError(r, 401, 'otp_required')
        r = self.sb.password_grant(HUY, password)
        self.assertOAuthError(r, 401, 'otp_required')
        r = self.sb.password_grant(HUY, password.replace('mùa', 'mua'))
        self.assertOAuthError(r, 400, 'invalid_grant')

    def test_missing_fields(self):
        for field in ('username', 'password', 'client_id'):
            form = {'grant_type': 'password', 'username': AN, 'password': PASSWORD,
                    'client_id': CLIENT_ID}
            del form[field]
            r = self.sb.vneid('POST', 'oauth/token', form=form)
            self.assertOAuthError(r, 400, 'invalid_request')
            self.assertIn(field, r.json['error_description'], r)
        r = self.sb.vneid('POST', 'oauth/token', form={'grant_type': sandbox.GRANT_OTP,
                                                       'otp_session': 'abc',
                                                       'client_id': CLIENT_ID})
        self.assertOAuthError(r, 400, 'invalid_request')
        self.assertIn('otp', r.json['error_description'], r)
        r = self.sb.vneid('POST', 'oauth/token', form={'grant_type': GRANT_DEVICE,
                                                       'client_id': CLIENT_ID})
        self.assertOAuthError(r, 400, 'invalid_request')
        self.assertIn('device_code', r.json['error_description'], r)
        r = self.sb.vneid('POST', 'oauth/token', form={'username': AN, 'password': PASSWORD,
                                                       'client_id': CLIENT_ID})
        self.assertOAuthError(r, 400, 'invalid_request')
        self.assertIn('grant_type', r.json['error_description'], r)

    def test_unsupported_grant_type(self):
        r = self.sb.vneid('POST', 'oauth/token', form={'grant_type': 'client_credentials',
                                                       'client_id': CLIENT_ID})
        self.assertOAuthError(r, 400, 'unsupported_grant_type')


# --- VNeID: identity -----------------------------------------------------------

class Userinfo(SandboxTestCase):

    def expected(self, cid):
        c = CITIZENS[cid]
        place = dict(c['place_of_residence'])
        place.setdefault('district', None)
        return {'citizen_id': cid, 'full_name': c['full_name'],
                'date_of_birth': c['date_of_birth'], 'gender': c['gender'],
                'nationality': 'VN', 'place_of_residence': place, 'phone': c['phone'],
                'email': c['email'], 'identity_level': c['identity_level']}

    def test_userinfo(self):
        subs = set()
        for cid in (AN, NGOC, HUONG, TUAN):
            token = self.sb.login(cid)
            r = self.sb.vneid('GET', 'api/v1/userinfo', token=token)
            self.assertJson(r)
            self.assertEqual(r.status, 200, r)
            body = dict(r.json)
            sub = body.pop('sub', None)
            self.assertIsInstance(sub, str, r)
            self.assertTrue(sub)
            subs.add(sub)
            self.assertEqual(body, self.expected(cid))
        self.assertEqual(len(subs), 4)
        # The same citizen, logged in again, has the same sub.
        token = self.sb.login_qr(AN)
        r = self.sb.vneid('GET', 'api/v1/userinfo', token=token)
        self.assertIn(r.json['sub'], subs)

    def test_bad_tokens(self):
        def refused(token, why):
            r = self.sb.vneid('GET', 'api/v1/userinfo', token=token)
            self.assertOAuthError(r, 401, 'invalid_token', description=False)
            self.assertNotIn('citizen_id', r.json, why)

        r = self.sb.vneid('GET', 'api/v1/userinfo')
        self.assertOAuthError(r, 401, 'invalid_token', description=False)
        refused('A' * 43, 'forged')
        s = self.sb.to_smartca(AN)
        refused(s['token'], 'a SmartCA access token')
        refused(s['refresh_token'], 'a SmartCA refresh token')
        r = self.sb.vneid('GET', 'api/v1/userinfo', headers={'Authorization': 'Basic Zm9vOmJhcg=='})
        self.assertOAuthError(r, 401, 'invalid_token', description=False)
        token = s['vneid_token']
        self.assertEqual(self.sb.vneid('GET', 'api/v1/userinfo', token=token).status, 200)
        self.sb.advance(880)
        self.assertEqual(self.sb.vneid('GET', 'api/v1/userinfo', token=token).status, 200)
        self.sb.advance(21)
        refused(token, 'expired after 900 s')


# --- VNeID: registration ---------------------------------------------------------

class Registrations(SandboxTestCase):

    def test_create_repeat_and_second_key(self):
        token = self.sb.login(AN)
        key = new_key()
        r = self.sb.register(token, key)
        self.assertJson(r)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(set(r.json), {'registration_id', 'status', 'created_at'}, r)
        self.assertEqual(r.json['status'], 'SUBMITTED')
        self.assertRfc3339(r.json['created_at'])
        # The same key: the first answer's status and body, again.
        again = self.sb.register(token, key)
        self.assertEqual((again.status, again.body), (201, r.body), again)
        # A new key: 200 with the same registration, never a second one.
        second = self.sb.register(token, new_key())
        self.assertEqual(second.status, 200, second)
        self.assertEqual(second.json['registration_id'], r.json['registration_id'])
        self.assertEqual(second.json['status'], 'SUBMITTED')
        # Another login of the same citizen finds it too.
        token2 = self.sb.login_qr(AN)
        third = self.sb.register(token2, new_key())
        self.assertEqual((third.status, third.json['registration_id']),
                         (200, r.json['registration_id']), third)

    def test_idempotency_window_is_24_hours(self):
        token = self.sb.login(AN)
        key = new_key()
        first = self.sb.register(token, key)
        self.assertEqual(first.status, 201, first)
        self.sb.advance(23 * 3600)
        token = self.sb.login(AN)
        again = self.sb.register(token, key)
        self.assertEqual((again.status, again.body), (201, first.body), again)
        # After 24 h the key is forgotten: the request is done again, and
        # finds the registration there (200, never a second one).
        self.sb.advance(3600 + 60)
        token = self.sb.login(AN)
        later = self.sb.register(token, key)
        self.assertEqual((later.status, later.json['registration_id']),
                         (200, first.json['registration_id']), later)

    def test_idempotency_key_required(self):
        token = self.sb.login(AN)
        r = self.sb.vneid('POST', REGISTRATIONS, token=token, body=registration_body())
        self.assertOAuthError(r, 400, 'invalid_request')
        self.assertIn('Idempotency-Key', r.json['error_description'], r)
        # "Idempotency-Key: <uuid>": anything else is as good as none.
        for key in ('hello', '', '6b1c6f9e2f0a4d7e9c1e1a2b3c4d5e6f'):
            r = self.sb.vneid('POST', REGISTRATIONS, token=token, body=registration_body(),
                              headers={'Idempotency-Key': key})
            self.assertOAuthError(r, 400, 'invalid_request')
        # Nothing was created: the first registration with a key is a 201.
        self.assertEqual(self.sb.register(token).status, 201)

    def test_concurrent_registrations(self):
        # Never a second registration, however the requests interleave.
        token = self.sb.login(AN)
        same_key = new_key()
        results = []

        def post(key):
            results.append((key, self.sb.register(token, key)))

        threads = [threading.Thread(target=post, args=(new_key() if i % 2 else same_key,))
                   for i in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(len(results), 10)
        self.assertEqual({r.status for _, r in results} - {200, 201}, set(), results)
        self.assertEqual(len({r.json['registration_id'] for _, r in results}), 1, results)
        # The same key: the same answer, byte for byte.
        same = {(r.status, r.body) for k, r in results if k == same_key}
        self.assertEqual(len(same), 1, results)
        # One creation in all: one distinct key's 201, or the shared key's.
        creations = sum(1 for k, r in results if k != same_key and r.status == 201)
        creations += 1 if next(iter(same))[0] == 201 else 0
        self.assertEqual(creations, 1, results)

    def test_idempotency_keys_are_per_citizen(self):
        key = new_key()
        a = self.sb.register(self.sb.login(AN), key)
        b = self.sb.register(self.sb.login(NGOC), key)
        self.assertEqual((a.status, b.status), (201, 201), (a, b))
        self.assertNotEqual(a.json['registration_id'], b.json['registration_id'])

    def test_identity_level_insufficient(self):
        token = self.sb.login(TUAN)
        r = self.sb.register(token)
        self.assertOAuthError(r, 403, 'identity_level_insufficient')
        # Order of checks: syntax (400) comes before the lookup (403).
        r = self.sb.vneid('POST', REGISTRATIONS, token=token, body=registration_body())
        self.assertOAuthError(r, 400, 'invalid_request')
        r = self.sb.register(token, body={'service_pack': SERVICE_PACK})
        self.assertOAuthError(r, 400, 'invalid_request')

    def test_consent_required(self):
        token = self.sb.login(AN)
        r = self.sb.register(token, body=registration_body(share_identity=False))
        self.assertOAuthError(r, 400, 'consent_required')
        self.assertEqual(self.sb.register(token).status, 201)

    def test_other_service_pack(self):
        token = self.sb.login(AN)
        body = registration_body()
        body['service_pack'] = 'SMARTCA_PERSONAL_PRO'
        r = self.sb.register(token, body=body)
        self.assertOAuthError(r, 400, 'invalid_request')
        self.assertEqual(self.sb.register(token).status, 201)

    def test_missing_and_mistyped_fields(self):
        token = self.sb.login(AN)
        cases = [
            ({'consent': {'share_identity': True, 'terms_version': '2025.1'}}, 'service_pack'),
            ({'service_pack': SERVICE_PACK}, 'consent'),
            ({'service_pack': SERVICE_PACK, 'consent': 'yes'}, 'consent'),
            ({'service_pack': SERVICE_PACK, 'consent': {'terms_version': '2025.1'}},
             'share_identity'),
            ({'service_pack': SERVICE_PACK,
              'consent': {'share_identity': 'true', 'terms_version': '2025.1'}},
             'share_identity'),
            ({'service_pack': SERVICE_PACK, 'consent': {'share_identity': True}},
             'terms_version'),
            ({'service_pack': 7, 'consent': {'share_identity': True, 'terms_version': '1'}},
             'service_pack'),
        ]
        for body, field in cases:
            r = self.sb.register(token, body=body)
            self.assertOAuthError(r, 400, 'invalid_request')
            self.assertIn(field, r.json['error_description'], r)
        # Unknown fields are ignored.
        body = registration_body()
        body['extra'] = {'anything': [1, 2]}
        self.assertEqual(self.sb.register(token, body=body).status, 201)

    def test_unauthenticated(self):
        r = self.sb.register(None)
        self.assertOAuthError(r, 401, 'invalid_token', description=False)
        r = self.sb.register('forged-token-' + 'z' * 30)
        self.assertOAuthError(r, 401, 'invalid_token', description=False)
        r = self.sb.registration(None, '00000000-0000-4000-8000-000000000000')
        self.assertOAuthError(r, 401, 'invalid_token', description=False)
        r = self.sb.handoff(None, '00000000-0000-4000-8000-000000000000')
        self.assertOAuthError(r, 401, 'invalid_token', description=False)

    def test_status_and_other_citizens(self):
        an = self.sb.login(AN)
        ngoc = self.sb.login(NGOC)
        rid = self.sb.register(an).json['registration_id']
        r = self.sb.registration(an, rid)
        self.assertJson(r)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(r.json), {'registration_id', 'status', 'created_at',
                                       'certificate'}, r)
        self.assertEqual((r.json['registration_id'], r.json['status'], r.json['certificate']),
                         (rid, 'SUBMITTED', None))
        self.assertRfc3339(r.json['created_at'])
        self.assertOAuthError(self.sb.registration(ngoc, rid), 404, 'not_found')
        self.assertOAuthError(self.sb.registration(an, '00000000-0000-4000-8000-000000000000'),
                              404, 'not_found')
        self.assertOAuthError(self.sb.handoff(ngoc, rid), 404, 'not_found')
        self.assertOAuthError(self.sb.handoff(an, '00000000-0000-4000-8000-000000000000'),
                              404, 'not_found')
        # Ngọc's refused hand-off changed nothing.
        self.assertEqual(self.sb.registration(an, rid).json['status'], 'SUBMITTED')

    def test_revoke(self):
        s = self.sb.to_smartca(AN)
        token = s['vneid_token']
        r = self.sb.vneid('POST', 'oauth/revoke', form={'token': token, 'client_id': CLIENT_ID})
        self.assertEqual(r.status, 200, r)
        r = self.sb.vneid('GET', 'api/v1/userinfo', token=token)
        self.assertOAuthError(r, 401, 'invalid_token', description=False)
        # Revoking a VNeID token does not revoke SmartCA tokens.
        self.assertEnvelopeOk(self.sb.smartca('identityapi/userinfo/info', token=s['token']))
        # An unknown token: 200 too (RFC 7009); again for the revoked one.
        r = self.sb.vneid('POST', 'oauth/revoke', form={'token': 'unknown-' + 'q' * 30,
                                                        'client_id': CLIENT_ID})
        self.assertEqual(r.status, 200, r)
        r = self.sb.vneid('POST', 'oauth/revoke', form={'token': token, 'client_id': CLIENT_ID})
        self.assertEqual(r.status, 200, r)
        r = self.sb.vneid('POST', 'oauth/revoke', form={'client_id': CLIENT_ID})
        self.assertOAuthError(r, 400, 'invalid_request')
        self.assertIn('token', r.json['error_description'])


class Handoff(SandboxTestCase):
    # A long sync, so that real time spent by a slow machine cannot end it.
    sandbox_args = ('--sync-delay-ms', '60000')

    def test_handoff(self):
        token = self.sb.login(AN)
        rid = self.sb.register(token).json['registration_id']
        h1 = self.sb.handoff(token, rid)
        self.assertJson(h1)
        self.assertEqual(h1.status, 200, h1)
        self.assertEqual(set(h1.json), {'code', 'expires_in'}, h1)
        self.assertEqual(h1.json['expires_in'], 60)
        self.assertEqual(self.sb.registration(token, rid).json['status'], 'SYNCED')
        t1 = self.assertSmartcaTokens(self.sb.smartca_token(h1.json['code']))
        # Only the first hand-off starts the sync: a second one 40 s later
        # does not restart it, so 65 s after the first (25 s after the
        # second) the enrollment is ready.
        self.sb.advance(40)
        h2 = self.sb.handoff(token, rid)
        self.assertEqual(h2.status, 200, h2)
        self.assertNotEqual(h2.json['code'], h1.json['code'])
        t2 = self.assertSmartcaTokens(self.sb.smartca_token(h2.json['code']))
        s2 = self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=t2['access_token']))
        self.assertEqual(s2['state'], 'SYNCING')
        self.sb.advance(25)
        s1 = self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=t1['access_token']))
        s2 = self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=t2['access_token']))
        self.assertEqual(s1, s2)
        self.assertEqual((s1['registrationId'], s1['state']), (rid, 'CONTRACT_PENDING'))
        self.assertEqual(self.sb.registration(token, rid).json['status'], 'SYNCED')


# --- SmartCA: tokens -----------------------------------------------------------

class SmartcaTokens(SandboxTestCase):

    def code(self, cid=AN):
        token = self.sb.login(cid)
        rid = self.sb.register(token).json['registration_id']
        return token, rid, self.sb.handoff(token, rid).json['code']

    def test_code_single_use(self):
        _, rid, code = self.code()
        r = self.sb.smartca_token(code)
        tokens = self.assertSmartcaTokens(r)
        r = self.sb.smartca_token(code)
        self.assertOAuthError(r, 400, 'invalid_grant', description=False)
        self.assertNotIn('access_token', r.json)
        # Tokens already issued from it stay valid.
        content = self.assertEnvelopeOk(self.sb.smartca('enrollment/status',
                                                        token=tokens['access_token']))
        self.assertEqual(content['registrationId'], rid)

    def test_refused_calls_consume_nothing(self):
        # "An OTP, challenge or code is consumed only by a call that succeeds."
        _, rid, code = self.code()
        r = self.sb.smartca('auth/token', form={'grant_type': 'authorization_code', 'code': code,
                                                'client_id': 'another-client'})
        self.assertEqual(r.status in (400, 401), True, r)
        self.assertIn(r.error, ('invalid_client', 'unauthorized_client'), r)
        self.assertSmartcaTokens(self.sb.smartca_token(code))
        # A device code polled by another client.
        d = self.sb.device_authorization().json
        self.sb.approve(d['user_code'], NGOC)
        r = self.sb.vneid('POST', 'oauth/token', form={'grant_type': GRANT_DEVICE,
                                                       'device_code': d['device_code'],
                                                       'client_id': 'another-client'})
        self.assertIn(r.status, (400, 401), r)
        self.assertVneidTokens(self.sb.device_poll(d['device_code']))
        # A VNeID OTP sent with another client_id: refused, and not a wrong OTP.
        r = self.sb.password_grant(NHUNG)
        session = r.json['otp_session']
        otp = self.sb.latest_otp(CITIZENS[NHUNG]['phone'], 'vneid-login')
        r = self.sb.vneid('POST', 'oauth/token', form={'grant_type': sandbox.GRANT_OTP,
                                                       'otp_session': session, 'otp': otp,
                                                       'client_id': 'another-client'})
        self.assertIn(r.status, (400, 401), r)
        wrong = '%06d' % ((int(otp) + 1) % 1000000)
        r = self.sb.otp_grant(session, wrong)
        self.assertEqual(r.json.get('attempts_left'), 4, r)
        self.assertVneidTokens(self.sb.otp_grant(session, otp))

    def test_unknown_and_expired_codes(self):
        vtoken, _, code = self.code()
        self.assertOAuthError(self.sb.smartca_token('unknown-code-' + 'k' * 30), 400,
                              'invalid_grant', description=False)
        self.assertOAuthError(self.sb.smartca_token(vtoken), 400, 'invalid_grant',
                              description=False)
        self.sb.advance(61)
        self.assertOAuthError(self.sb.smartca_token(code), 400, 'invalid_grant',
                              description=False)

    def test_refresh_rotation(self):
        _, rid, code = self.code()
        first = self.sb.smartca_token(code).json
        r = self.sb.smartca_refresh(first['refresh_token'])
        second = self.assertSmartcaTokens(r)
        self.assertNotEqual(second['access_token'], first['access_token'])
        self.assertNotEqual(second['refresh_token'], first['refresh_token'])
        content = self.assertEnvelopeOk(self.sb.smartca('enrollment/status',
                                                        token=second['access_token']))
        self.assertEqual(content['registrationId'], rid)
        # The old refresh token is void.
        self.assertOAuthError(self.sb.smartca_refresh(first['refresh_token']), 400,
                              'invalid_grant', description=False)
        self.assertSmartcaTokens(self.sb.smartca_refresh(second['refresh_token']))

    def test_lifetimes(self):
        _, _, code = self.code()
        tokens = self.sb.smartca_token(code).json
        self.sb.advance(3580)
        self.assertEnvelopeOk(self.sb.smartca('identityapi/userinfo/info',
                                              token=tokens['access_token']))
        self.sb.advance(20)
        r = self.sb.smartca('identityapi/userinfo/info', token=tokens['access_token'])
        self.assertEnvelopeError(r, 401, 40100)
        # Refresh tokens live 90 days.
        self.sb.advance(88 * 86400)
        fresh = self.assertSmartcaTokens(self.sb.smartca_refresh(tokens['refresh_token']))
        self.assertEnvelopeOk(self.sb.smartca('identityapi/userinfo/info',
                                              token=fresh['access_token']))
        self.sb.advance(90 * 86400 + 60)
        self.assertOAuthError(self.sb.smartca_refresh(fresh['refresh_token']), 400,
                              'invalid_grant', description=False)

    def test_revoke(self):
        _, _, code = self.code()
        tokens = self.sb.smartca_token(code).json
        r = self.sb.smartca('auth/revoke', form={'token': tokens['access_token'],
                                                 'client_id': CLIENT_ID})
        self.assertEqual(r.status, 200, r)
        self.assertEnvelopeError(self.sb.smartca('enrollment/status',
                                                 token=tokens['access_token']), 401, 40100)
        r = self.sb.smartca('auth/revoke', form={'token': tokens['refresh_token'],
                                                 'client_id': CLIENT_ID})
        self.assertEqual(r.status, 200, r)
        self.assertOAuthError(self.sb.smartca_refresh(tokens['refresh_token']), 400,
                              'invalid_grant', description=False)
        r = self.sb.smartca('auth/revoke', form={'token': 'never-issued-' + 'w' * 30,
                                                 'client_id': CLIENT_ID})
        self.assertEqual(r.status, 200, r)

    def test_revoking_an_access_token_keeps_the_refresh_token(self):
        _, _, code = self.code()
        tokens = self.sb.smartca_token(code).json
        r = self.sb.smartca('auth/revoke', form={'token': tokens['access_token'],
                                                 'client_id': CLIENT_ID})
        self.assertEqual(r.status, 200, r)
        fresh = self.assertSmartcaTokens(self.sb.smartca_refresh(tokens['refresh_token']))
        self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=fresh['access_token']))

    def test_revocation_is_per_service(self):
        # Each service revokes its own tokens only (RFC 7009): a SmartCA token
        # sent to VNeID's revoke, or a VNeID token to SmartCA's, is "unknown"
        # there: 200, and it stays valid.
        vtoken, _, code = self.code()
        tokens = self.sb.smartca_token(code).json
        for token in (tokens['access_token'], tokens['refresh_token']):
            r = self.sb.vneid('POST', 'oauth/revoke', form={'token': token,
                                                            'client_id': CLIENT_ID})
            self.assertEqual(r.status, 200, r)
        r = self.sb.smartca('auth/revoke', form={'token': vtoken, 'client_id': CLIENT_ID})
        self.assertEqual(r.status, 200, r)
        self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=tokens['access_token']))
        self.assertEqual(self.sb.vneid('GET', 'api/v1/userinfo', token=vtoken).status, 200)
        self.assertSmartcaTokens(self.sb.smartca_refresh(tokens['refresh_token']))

    def test_bad_forms(self):
        r = self.sb.smartca('auth/token', form={'grant_type': 'authorization_code',
                                                'client_id': CLIENT_ID})
        self.assertOAuthError(r, 400, 'invalid_request', description=False)
        r = self.sb.smartca('auth/token', form={'grant_type': 'refresh_token',
                                                'client_id': CLIENT_ID})
        self.assertOAuthError(r, 400, 'invalid_request', description=False)
        r = self.sb.smartca('auth/token', form={'grant_type': 'password', 'username': AN,
                                                'password': PASSWORD, 'client_id': CLIENT_ID})
        self.assertOAuthError(r, 400, 'unsupported_grant_type', description=False)
        r = self.sb.smartca('auth/token', form={'code': 'abc', 'client_id': CLIENT_ID})
        self.assertOAuthError(r, 400, 'invalid_request', description=False)
        r = self.sb.smartca('auth/revoke', form={'client_id': CLIENT_ID})
        self.assertOAuthError(r, 400, 'invalid_request', description=False)


# --- SmartCA: identity and enrollment ------------------------------------------------

class SmartcaIdentity(SandboxTestCase):

    def test_userinfo_info(self):
        for cid in (AN, NGOC):
            s = self.sb.to_smartca(cid)
            c = CITIZENS[cid]
            content = self.assertEnvelopeOk(self.sb.smartca('identityapi/userinfo/info',
                                                            token=s['token']))
            self.assertEqual(content, {'accType': 0, 'uidPre': 'CCCD', 'uid': cid,
                                       'email': c['email'], 'phone': c['phone'],
                                       'fullName': c['full_name']})

    def test_unauthenticated(self):
        s = self.sb.to_smartca(AN)
        for path in ('identityapi/userinfo/info', 'enrollment/status', 'enrollment/contract',
                     'enrollment/contract/otp', 'enrollment/contract/sign'):
            for token in (None, 'forged-' + 'f' * 40, s['vneid_token'], s['refresh_token']):
                r = self.sb.smartca(path, token=token)
                self.assertEnvelopeError(r, 401, 40100)


class Enrollment(SandboxTestCase):

    def test_status_syncing_then_contract_pending(self):
        s = self.sb.to_smartca(AN)
        content = self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=s['token']))
        self.assertEqual(set(content), {'registrationId', 'state', 'credentialId',
                                        'acceptanceTranId', 'pollAfterMs'})
        self.assertEqual((content['registrationId'], content['state'], content['credentialId'],
                          content['acceptanceTranId']),
                         (s['registration_id'], 'SYNCING', None, None))
        self.assertIsInstance(content['pollAfterMs'], int)
        self.assertTrue(0 < content['pollAfterMs'] <= 2000, content)
        # The sync takes the default 2 s on the sandbox clock.
        self.sb.advance(2)
        content = self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=s['token']))
        self.assertEqual(content['state'], 'CONTRACT_PENDING')
        self.assertIsInstance(content['pollAfterMs'], int)
        self.assertGreaterEqual(content['pollAfterMs'], 0)

    def test_contract_in_syncing(self):
        s = self.sb.to_smartca(AN)
        r = self.sb.smartca('enrollment/contract', token=s['token'])
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900), {'state': 'SYNCING'})
        r = self.sb.smartca('enrollment/contract/otp', {'contractId': sandbox.new_key()},
                            token=s['token'])
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900), {'state': 'SYNCING'})
        # Order of checks: syntax (400) before state (409).
        r = self.sb.smartca('enrollment/contract', data=b'{"broken": ', token=s['token'])
        self.assertEnvelopeError(r, 400, 30000)
        r = self.sb.smartca('enrollment/contract/otp', {}, token=s['token'])
        self.assertEnvelopeError(r, 400, 30000)
        r = self.sb.smartca('enrollment/contract/sign',
                            {'contractId': sandbox.new_key(), 'otp': '123456',
                             'hash': sha256_b64(b'x')}, token=s['token'])
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900), {'state': 'SYNCING'})

    def test_contract(self):
        s = self.sb.to_contract(NGOC)
        c = s['contract']
        self.assertEqual(set(c), {'contractId', 'name', 'dataBase64', 'hash', 'termsVersion'})
        self.assertEqual(c['name'], 'hop-dong-smartca-%s.pdf' % NGOC)
        pdf = b64decode(c['dataBase64'])
        self.assertTrue(pdf.startswith(b'%PDF-'))
        self.assertEqual(c['hash'], sha256_b64(pdf))
        self.assertEqual(len(b64decode(c['hash'])), 32)
        self.assertIsInstance(c['termsVersion'], str)
        self.assertTrue(c['termsVersion'])
        # The same contract until it is signed.
        again = self.assertEnvelopeOk(self.sb.smartca('enrollment/contract', token=s['token']))
        self.assertEqual(again, c)
        text = sandbox.pdf_text(pdf)
        lines = lines_of(text)
        name = CITIZENS[NGOC]['full_name']
        self.assertTrue(any(name in line for line in lines),
                        'the full name is not on one line:\n' + text)
        self.assertIn(NGOC, text)
        self.assertIn(SERVICE_PACK, text)
        self.assertIn('hợp đồng', text.lower(), 'the contract is not in Vietnamese')

    def test_contract_otp_and_resend_limit(self):
        s = self.sb.to_contract(AN)
        cid = s['contract']['contractId']
        phone = CITIZENS[AN]['phone']
        before = self.sb.outbox(phone)
        r = self.sb.smartca('enrollment/contract/otp', {'contractId': cid}, token=s['token'])
        content = self.assertEnvelopeOk(r)
        self.assertEqual(content, {'otpSentTo': '09******78', 'expiresIn': 300,
                                   'resendAfter': 60})
        after = self.sb.outbox(phone)
        self.assertEqual(len(after), len(before) + 1)
        self.assertEqual((after[0]['to'], after[0]['purpose']), (phone, 'contract'))
        self.assertRegex(after[0]['code'], r'^[0-9]{6}$')
        first_otp = after[0]['code']
        self.sb.advance(30)
        r = self.sb.smartca('enrollment/contract/otp', {'contractId': cid}, token=s['token'])
        content = self.assertEnvelopeError(r, 429, 42900)
        self.assertIsInstance(content, dict, r)
        self.assertEqual(set(content), {'retryAfter'}, r)
        self.assertTrue(0 < content['retryAfter'] <= 30, r)
        if r.header('Retry-After') is not None:
            self.assertRegex(r.header('Retry-After'), r'^[0-9]+$')
        self.assertEqual(len(self.sb.outbox(phone)), len(after))
        self.sb.advance(31)
        second_otp = self.sb.contract_otp(s['token'], cid, AN)
        # A fresh OTP replaces the earlier one.
        if second_otp != first_otp:
            r = self.sb.sign(s['token'], cid, first_otp, s['contract']['hash'])
            self.assertEnvelopeError(r, 400, 44000)
        r = self.sb.sign(s['token'], cid, second_otp, s['contract']['hash'])
        self.assertEnvelopeOk(r)

    def test_contract_otp_bad_requests(self):
        s = self.sb.to_contract(AN)
        for body in ({}, {'contractId': 5}, {'contractId': None}):
            r = self.sb.smartca('enrollment/contract/otp', body, token=s['token'])
            self.assertEnvelopeError(r, 400, 30000)
            self.assertIn('contractId', r.json['message'], r)
        r = self.sb.smartca('enrollment/contract/otp', {'contractId': sandbox.new_key()},
                            token=s['token'])
        self.assertEnvelopeFailure(r, (400, 403, 404))
        self.assertEqual(self.sb.outbox(CITIZENS[AN]['phone'])[0]['purpose'], 'vneid-login')

    def test_sign_hash_checked_before_otp(self):
        s = self.sb.to_contract(AN)
        cid = s['contract']['contractId']
        otp = self.sb.contract_otp(s['token'], cid, AN)
        wrong_otp = '%06d' % ((int(otp) + 1) % 1000000)
        other_hash = sha256_b64(b'another document')
        r = self.sb.sign(s['token'], cid, wrong_otp, other_hash)
        self.assertEnvelopeError(r, 400, 44003)
        r = self.sb.sign(s['token'], cid, otp, other_hash)
        self.assertEnvelopeError(r, 400, 44003)
        # Neither refusal counted as a wrong OTP, nor consumed the right one.
        r = self.sb.sign(s['token'], cid, wrong_otp, s['contract']['hash'])
        self.assertEqual(self.assertEnvelopeError(r, 400, 44000), {'attemptsLeft': 4})
        self.assertEnvelopeOk(self.sb.sign(s['token'], cid, otp, s['contract']['hash']))

    def test_sign_wrong_otps_lock(self):
        s = self.sb.to_contract(NHUNG)
        cid, h = s['contract']['contractId'], s['contract']['hash']
        otp = self.sb.contract_otp(s['token'], cid, NHUNG)
        wrong = '%06d' % ((int(otp) + 3) % 1000000)
        for left in (4, 3, 2, 1):
            r = self.sb.sign(s['token'], cid, wrong, h)
            self.assertEqual(self.assertEnvelopeError(r, 400, 44000), {'attemptsLeft': left})
        r = self.sb.sign(s['token'], cid, wrong, h)
        self.assertEnvelopeError(r, 403, 44002)
        # Rev 2: and a new login is needed, the citizen's tokens revoked.
        self.assertEnvelopeError(self.sb.sign(s['token'], cid, otp, h), 401, 40100)
        self.sb.relogin(s)
        # A new OTP is needed: the old one no longer signs.
        r = self.sb.sign(s['token'], cid, otp, h)
        self.assertEnvelopeFailure(r, (400, 403))
        self.assertIn(r.json['code'], (44002, 44001, 44000), r)
        status = self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=s['token']))
        self.assertEqual(status['state'], 'CONTRACT_PENDING')
        self.sb.advance(61)
        otp = self.sb.contract_otp(s['token'], cid, NHUNG)
        wrong = '%06d' % ((int(otp) + 3) % 1000000)
        r = self.sb.sign(s['token'], cid, wrong, h)
        self.assertEqual(self.assertEnvelopeError(r, 400, 44000), {'attemptsLeft': 4})
        self.assertEnvelopeOk(self.sb.sign(s['token'], cid, otp, h))

    def test_sign_otp_expired(self):
        s = self.sb.to_contract(AN)
        cid, h = s['contract']['contractId'], s['contract']['hash']
        otp = self.sb.contract_otp(s['token'], cid, AN)
        self.sb.advance(301)
        self.assertEnvelopeError(self.sb.sign(s['token'], cid, otp, h), 400, 44001)
        otp = self.sb.contract_otp(s['token'], cid, AN)
        self.sb.advance(290)
        # Still good at 290 s; unknown fields are ignored.
        r = self.sb.smartca('enrollment/contract/sign',
                            {'contractId': cid, 'otp': otp, 'hash': h, 'note': 'ký',
                             'extra': {'a': [1]}}, token=s['token'])
        self.assertEnvelopeOk(r)

    def test_sign_bad_requests(self):
        s = self.sb.to_contract(AN)
        cid, h = s['contract']['contractId'], s['contract']['hash']
        otp = self.sb.contract_otp(s['token'], cid, AN)
        full = {'contractId': cid, 'otp': otp, 'hash': h}
        for field in ('contractId', 'otp', 'hash'):
            body = dict(full)
            del body[field]
            r = self.sb.smartca('enrollment/contract/sign', body, token=s['token'])
            self.assertEnvelopeError(r, 400, 30000)
            self.assertIn(field, r.json['message'], r)
            body[field] = 123456
            r = self.sb.smartca('enrollment/contract/sign', body, token=s['token'])
            self.assertEnvelopeError(r, 400, 30000)
            self.assertIn(field, r.json['message'], r)
        r = self.sb.smartca('enrollment/contract/sign', dict(full, contractId=sandbox.new_key()),
                            token=s['token'])
        self.assertEnvelopeFailure(r, (400, 403, 404))
        # None of that used the OTP up.
        self.assertEnvelopeOk(self.sb.sign(s['token'], cid, otp, h))

    def test_sign(self):
        s = self.sb.to_contract(AN)
        cid, h = s['contract']['contractId'], s['contract']['hash']
        otp = self.sb.contract_otp(s['token'], cid, AN)
        content = self.assertEnvelopeOk(self.sb.sign(s['token'], cid, otp, h))
        self.assertEqual(set(content), {'signedAt', 'state', 'signedDocument'})
        self.assertEqual(content['state'], 'ACTIVATION_PENDING')
        self.assertRfc3339(content['signedAt'])
        doc = content['signedDocument']
        self.assertEqual(set(doc), {'name', 'dataBase64'})
        self.assertTrue(doc['name'].endswith('.pdf'), doc['name'])
        signed = b64decode(doc['dataBase64'])
        self.assertTrue(signed.startswith(b'%PDF-'))
        text = sandbox.pdf_text(signed)
        self.assertTrue(any(CITIZENS[AN]['full_name'] in line for line in lines_of(text)), text)
        self.assertIn(AN, text)
        self.assertIn(SERVICE_PACK, text)
        status = self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=s['token']))
        self.assertEqual(status['state'], 'ACTIVATION_PENDING')
        r = self.sb.registration(s['vneid_token'], s['registration_id'])
        self.assertEqual((r.status, r.json['status'], r.json['certificate']),
                         (200, 'CONTRACT_SIGNED', None), r)
        # Signed: the contract, its OTP and its signing are of a past state.
        r = self.sb.smartca('enrollment/contract', token=s['token'])
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900),
                         {'state': 'ACTIVATION_PENDING'})
        self.sb.advance(61)
        r = self.sb.smartca('enrollment/contract/otp', {'contractId': cid}, token=s['token'])
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900),
                         {'state': 'ACTIVATION_PENDING'})
        r = self.sb.sign(s['token'], cid, otp, h)
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900),
                         {'state': 'ACTIVATION_PENDING'})
        # The VNeID side still hands the registration over.
        self.assertEqual(self.sb.handoff(s['vneid_token'], s['registration_id']).status, 200)


# --- Control, and what every endpoint shares ----------------------------------------

class Control(SandboxTestCase):

    def test_outbox_newest_first(self):
        phone = CITIZENS[AN]['phone']
        self.assertEqual(self.sb.outbox(phone), [])
        self.sb.password_grant(AN)
        # Rev 2: within 60 s the same OTP session, and no new code.
        self.sb.advance(61)
        self.sb.password_grant(AN)
        items = self.sb.outbox(phone)
        self.assertEqual(len(items), 2)
        self.assertGreater(items[0]['sent_at'], items[1]['sent_at'])
        self.assertEqual(self.sb.outbox(CITIZENS[NGOC]['phone']), [])

    def test_outbox_is_per_phone(self):
        self.sb.password_grant(AN)
        for phone in ("' OR '1'='1", '%', '_%', '0912345678 ', '', '09123456780'):
            r = self.sb.control('GET', 'outbox', query={'phone': phone})
            self.assertJson(r)
            if r.status == 200:
                self.assertEqual(r.json, [], phone)
            else:
                self.assertControlError(r, (400,))

    def test_clock(self):
        r = self.sb.control('POST', 'clock', body={'advanceSeconds': 1})
        self.assertEqual(r.status, 200, r)
        self.assertJson(r)

    def test_faults(self):
        s = self.sb.to_smartca(AN)
        self.sb.faults(failRate=1.0, status=503)
        r = self.sb.vneid('GET', 'api/v1/userinfo', token=s['vneid_token'],
                          label='ANY VNEID/<faults>')
        self.assertEqual(r.status, 503, r)
        self.assertOAuthError(r, 503, r.error)
        record('ANY VNEID/<faults>', 503, '*')
        r = self.sb.smartca('enrollment/status', token=s['token'], label='ANY SMARTCA/<faults>')
        self.assertEnvelopeError(r, 503, 50300)
        self.assertEqual(self.sb.outbox(CITIZENS[AN]['phone'])[0]['purpose'], 'vneid-login')
        self.sb.faults()
        self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=s['token']))

    def test_unknown_paths_and_methods(self):
        s = self.sb.to_smartca(AN)
        v = s['vneid_token']
        for method, path in (('GET', 'api/v1/nothing'), ('POST', 'oauth/nothing'),
                             ('GET', 'api/v2/userinfo'), ('GET', '')):
            r = self.sb.vneid(method, path, token=v, label='ANY VNEID/<unknown path>')
            self.assertOAuthError(r, 404, 'not_found', description=False)
        for method, path in (('GET', 'oauth/token'), ('POST', 'api/v1/userinfo'),
                             ('DELETE', REGISTRATIONS), ('PUT', 'oauth/revoke')):
            r = self.sb.vneid(method, path, token=v, label='ANY VNEID/<wrong method>')
            self.assertOAuthError(r, 405, 'method_not_allowed', description=False)
        for method, path in (('POST', 'enrollment/nothing'), ('GET', 'nothing'),
                             ('POST', 'identityapi/userinfo')):
            r = self.sb.smartca(path, method=method, token=s['token'],
                                label='ANY SMARTCA/<unknown path>')
            self.assertEnvelopeFailure(r, (404,))
            record('ANY SMARTCA/<unknown path>', 404, '*')
        for method, path in (('GET', 'enrollment/status'), ('PUT', 'identityapi/userinfo/info'),
                             ('DELETE', 'enrollment/contract')):
            r = self.sb.smartca(path, method=method, token=s['token'],
                                label='ANY SMARTCA/<wrong method>')
            self.assertEnvelopeFailure(r, (405,))
            record('ANY SMARTCA/<wrong method>', 405, '*')
        # SMARTCA/auth/* are the OAuth endpoints: PROTOCOL.md gives them the
        # RFC 6749 shape, so either shape is taken for their wrong method.
        r = self.sb.smartca('auth/token', method='GET')
        self.assertJson(r)
        self.assertEqual(r.status, 405, r)
        self.assertTrue(isinstance(r.json.get('error'), str) or
                        (isinstance(r.json.get('code'), int) and r.json['code'] != 0), r)
        r = self.sb.control('GET', 'nothing', label='ANY CONTROL/<unknown path>')
        self.assertControlError(r, (404,))
        record('ANY CONTROL/<unknown path>', 404, 'error')
        r = self.sb.control('GET', 'faults')
        self.assertControlError(r, (405,))

    def test_no_redirects(self):
        """Rev 2: no endpoint redirects, whatever the path looks like: a
        trailing or doubled slash, a dot segment, a bare base, another case."""
        s = self.sb.to_smartca(AN)
        paths = ['/', '/vneid', '/vneid/', '/smartca', '/smartca/', '/sandbox', '/sandbox/',
                 '/vneid/oauth/token/', '/vneid//oauth/token', '/vneid/./oauth/token',
                 '/vneid/api/../oauth/token', '/VNEID/oauth/token', '/smartca/enrollment/status/',
                 '//smartca/enrollment/status', '/smartca/enrollment//status',
                 '/smartca/auth/token/', '/sandbox/outbox/', '/tsa', '/tsa/', '/vneid%2Foauth']
        for method in ('GET', 'POST'):
            for path in paths:
                conn = http.client.HTTPSConnection('127.0.0.1', self.sb.port,
                                                   context=self.sb.ctx, timeout=20)
                try:
                    conn.request(method, path, body=b'{}' if method == 'POST' else None,
                                 headers={'Authorization': 'Bearer ' + s['token'],
                                          'Content-Type': 'application/json'})
                    resp = conn.getresponse()
                    resp.read()
                finally:
                    conn.close()
                self.assertFalse(300 <= resp.status < 400, (method, path, resp.status))
                self.assertIsNone(resp.getheader('Location'), (method, path))

    def test_bodies_over_1_mib(self):
        s = self.sb.to_smartca(AN)
        big = b'{"pad":"' + b'a' * (1024 * 1024 + 16) + b'"}'
        r = self.sb.raw_request('vneid', 'POST', REGISTRATIONS, data=big,
                                headers={'Authorization': 'Bearer ' + s['vneid_token'],
                                         'Content-Type': 'application/json',
                                         'Idempotency-Key': new_key()})
        self.assertOAuthError(r, 413, r.error, description=False)
        record('ANY VNEID/<body over 1 MiB>', 413, '*')
        r = self.sb.raw_request('smartca', 'POST', 'enrollment/status', data=big,
                                headers={'Authorization': 'Bearer ' + s['token'],
                                         'Content-Type': 'application/json'})
        self.assertEnvelopeError(r, 413, 41300)
        record('ANY SMARTCA/<body over 1 MiB>', 413, 41300)
        # Exactly 1 MiB is allowed (a JSON object padded with spaces).
        body = b'{}' + b' ' * (1024 * 1024 - 2)
        r = self.sb.raw_request('smartca', 'POST', 'enrollment/status', data=body,
                                headers={'Authorization': 'Bearer ' + s['token'],
                                         'Content-Type': 'application/json'})
        self.assertEnvelopeOk(r)


# --- TLS, the command line and the sync delay ------------------------------------------

class Tls(SandboxTestCase):

    def openssl(self, *args, data=None):
        out = subprocess.run(['openssl'] + list(args), input=data, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=60)
        return out.returncode, out.stdout.decode('utf-8', 'replace')

    def server_certificate(self, hostname='127.0.0.1', **versions):
        ctx = ssl.create_default_context(cafile=self.sb.info['trust_anchor'])
        for k, v in versions.items():
            setattr(ctx, k, v)
        with socket.create_connection(('127.0.0.1', self.sb.port), timeout=10) as sock:
            with ctx.wrap_socket(sock, server_hostname=hostname) as tls:
                return tls.getpeercert(binary_form=True), tls.version()

    def test_root_ca(self):
        code, text = self.openssl('x509', '-in', self.sb.info['trust_anchor'], '-noout',
                                  '-text', '-nameopt', 'sep_comma_plus_space')
        self.assertEqual(code, 0, text)
        subject = re.search(r'Subject: (.*)', text).group(1).strip()
        issuer = re.search(r'Issuer: (.*)', text).group(1).strip()
        self.assertEqual(subject, issuer)
        for part in ('C=VN', 'O=SmartCA Sandbox', 'CN=SmartCA Sandbox Root CA'):
            self.assertIn(part, subject)
        self.assertIn('Public-Key: (3072 bit)', text)
        self.assertRegex(text, r'Basic Constraints: critical\s+CA:TRUE')
        self.assertRegex(text, r'Key Usage: critical\s+Certificate Sign, CRL Sign')
        self.assertIn('Subject Key Identifier', text)
        code, dates = self.openssl('x509', '-in', self.sb.info['trust_anchor'], '-noout',
                                   '-startdate', '-enddate')
        start, end = [time.mktime(time.strptime(m, '%b %d %H:%M:%S %Y GMT'))
                      for m in re.findall(r'=(.*)', dates)]
        self.assertAlmostEqual((end - start) / 86400 / 365.25, 10, delta=0.05)

    def test_server_certificate(self):
        der, _ = self.server_certificate()
        pem = ssl.DER_cert_to_PEM_cert(der).encode()
        code, text = self.openssl('x509', '-noout', '-text', '-nameopt', 'sep_comma_plus_space',
                                  data=pem)
        self.assertEqual(code, 0, text)
        self.assertIn('CN=SmartCA Sandbox Root CA',
                      re.search(r'Issuer: (.*)', text).group(1))
        self.assertRegex(text, r'Subject Alternative Name:\s+.*DNS:localhost')
        self.assertRegex(text, r'Subject Alternative Name:\s+.*IP Address:127\.0\.0\.1')
        self.assertRegex(text, r'Extended Key Usage:\s+TLS Web Server Authentication')
        # Signed directly by the root.
        path = os.path.join(self.sb.tmp, 'server.pem')
        with open(path, 'wb') as f:
            f.write(pem)
        code, out = self.openssl('verify', '-CAfile', self.sb.info['trust_anchor'], '-purpose',
                                 'sslserver', path)
        self.assertEqual(code, 0, out)
        # The name "localhost" is good too.
        self.server_certificate(hostname='localhost')

    def test_tls_versions(self):
        _, version = self.server_certificate(maximum_version=ssl.TLSVersion.TLSv1_2)
        self.assertEqual(version, 'TLSv1.2')
        _, version = self.server_certificate()
        self.assertIn(version, ('TLSv1.2', 'TLSv1.3'))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(self.sb.info['trust_anchor'])
        try:
            ctx.set_ciphers('DEFAULT:@SECLEVEL=0')
            with warnings.catch_warnings():
                warnings.simplefilter('ignore', DeprecationWarning)
                ctx.minimum_version = ssl.TLSVersion.TLSv1
                ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        except (ssl.SSLError, ValueError):
            self.skipTest('this OpenSSL cannot offer TLS 1.1')
        with socket.create_connection(('127.0.0.1', self.sb.port), timeout=10) as sock:
            with self.assertRaises((ssl.SSLError, ConnectionResetError)):
                with ctx.wrap_socket(sock, server_hostname='127.0.0.1'):
                    pass
        self.assertTrue(self.sb.alive())


class CommandLine(unittest.TestCase):
    """Bad command lines: a message and a non-zero exit, never the JSON line."""

    def run_sandbox(self, *args):
        out = subprocess.run([sandbox.sandbox_binary()] + list(args), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        return out.returncode, out.stdout, out.stderr

    def test_refused(self):
        with tempfile.TemporaryDirectory(prefix='sbxtests-cli-') as tmp:
            a_file = os.path.join(tmp, 'file')
            with open(a_file, 'w') as f:
                f.write('x')
            data = os.path.join(tmp, 'data')
            cases = [
                (),
                ('--listen', '127.0.0.1:0'),
                ('--listen', 'nonsense', '--data-dir', data),
                ('--listen', '127.0.0.1:99999', '--data-dir', data),
                ('--listen', '127.0.0.1:0', '--data-dir', a_file),
                ('--listen', '127.0.0.1:0', '--data-dir', data, '--citizens',
                 os.path.join(tmp, 'missing.json')),
                ('--listen', '127.0.0.1:0', '--data-dir', data, '--citizens', a_file),
                ('--listen', '127.0.0.1:0', '--data-dir', data, '--sync-delay-ms', 'soon'),
                ('--listen', '127.0.0.1:0', '--data-dir', data, '--no-such-option'),
                ('--listen', '127.0.0.1:0', '--data-dir', data, '--transaction-expiry-s', '0'),
                ('--listen', '127.0.0.1:0', '--data-dir', data, '--transaction-expiry-s', 'x'),
                ('--listen', '127.0.0.1:0', '--data-dir', data, '--certificate-days', '0'),
                ('--listen', '127.0.0.1:0', '--data-dir', data, '--certificate-days', '4000'),
            ]
            for args in cases:
                with self.subTest(args=args):
                    code, out, err = self.run_sandbox(*args)
                    self.assertNotEqual(code, 0, err)
                    self.assertEqual(out, b'', 'the JSON line for a refused command line')
                    self.assertTrue(err.strip(), 'no message')

    def test_invalid_citizens(self):
        # Citizen IDs follow the one rule of src/common: a citizen with a bad
        # one is refused (the whole file, or that citizen).
        good = dict(load_first_citizen(), citizen_id='001190054321', phone='0911555666',
                    date_of_birth='1990-01-01', gender='female')
        bad = [
            dict(good, citizen_id='003190054321', phone='0911555001'),   # no province 003
            dict(good, citizen_id='00119005432', phone='0911555002'),    # 11 digits
            dict(good, citizen_id='001191054321', phone='0911555003'),   # year 91 vs 1990
            dict(good, citizen_id='001090054321', phone='0911555004'),   # male digit, female
        ]
        with tempfile.TemporaryDirectory(prefix='sbxtests-cli-') as tmp:
            for citizen in bad:
                with self.subTest(citizen_id=citizen['citizen_id']):
                    path = os.path.join(tmp, 'citizens.json')
                    with open(path, 'w', encoding='utf-8') as f:
                        json.dump([citizen], f, ensure_ascii=False)
                    data = os.path.join(tmp, 'data-' + citizen['phone'])
                    sb = None
                    try:
                        sb = Sandbox(extra_args=['--citizens', path], data_dir=data)
                    except sandbox.SandboxError:
                        continue        # refused at start: fine
                    try:
                        r = sb.password_grant(citizen['citizen_id'], citizen['password'])
                        self.assertEqual(r.status, 400, r)
                        self.assertEqual(r.error, 'invalid_grant', r)
                    finally:
                        sb.close()


def load_first_citizen():
    return dict(next(iter(CITIZENS.values())))


class SyncDelay(SandboxTestCase):
    sandbox_args = ('--sync-delay-ms', '10000')

    def test_sync_delay(self):
        s = self.sb.to_smartca(AN)
        self.sb.advance(5)
        status = self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=s['token']))
        self.assertEqual(status['state'], 'SYNCING')
        self.assertTrue(0 < status['pollAfterMs'] <= 10000, status)
        self.sb.advance(6)
        status = self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=s['token']))
        self.assertEqual(status['state'], 'CONTRACT_PENDING')


class NoSyncDelay(SandboxTestCase):
    sandbox_args = ('--sync-delay-ms', '0')

    def test_no_sync_delay(self):
        s = self.sb.to_smartca(AN)
        status = self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=s['token']))
        self.assertEqual(status['state'], 'CONTRACT_PENDING')
        self.assertEnvelopeOk(self.sb.smartca('enrollment/contract', token=s['token']))


if __name__ == '__main__':
    sandbox.main(REQUIRED, 'test_protocol')
