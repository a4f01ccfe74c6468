# SPDX-License-Identifier: GPL-3.0-or-later
"""CONTROL/faults (PROTOCOL.md, "The sandbox"): with faults on, the control
endpoints still work and the API fails as configured — a status answered
before the request is carried out, a dropped connection after it was,
added latency, a seeded share of failures — and `{}` turns it all off."""

import threading
import time

import sandbox
from sandbox import (AN, CITIZENS, NGOC, ConnectionDropped, SandboxTestCase, new_key,
                     registration_body)


class Faults(SandboxTestCase):

    def assertRetryAfter(self, r):
        # PROTOCOL.md: 429 and 503 may carry Retry-After (seconds); a fault
        # says when to try again, as delta-seconds.
        value = r.header('Retry-After')
        self.assertIsNotNone(value, r)
        self.assertRegex(value, r'^[0-9]+$', r)
        if r.status == 429 and isinstance(r.json.get('content'), dict):
            self.assertEqual(r.json['content'], {'retryAfter': int(value)}, r)

    def assertFault(self, r, api, status):
        """The error of @api's shape with @status, as a fault answers it."""
        self.assertJson(r)
        self.assertEqual(r.status, status, r)
        self.assertIsInstance(r.json, dict, r)
        if api == 'envelope':
            code = {503: 50300, 500: 50000, 429: 42900}[status]
            self.assertEnvelopeError(r, status, code)
        else:
            self.assertIsInstance(r.json.get('error'), str, r)
            self.assertIsInstance(r.json.get('error_description', ''), str, r)
        if status in (429, 503):
            self.assertRetryAfter(r)

    def test_fail_everything_then_off(self):
        sb = self.sb
        s = sb.to_contract(AN)
        phone = CITIZENS[AN]['phone']
        outbox = sb.outbox(phone)
        d = sb.device_authorization().json
        sb.faults(failRate=1.0, status=503)

        # Every API call fails, in its own shape, and does nothing.
        self.assertFault(sb.password_grant(AN), 'oauth', 503)
        self.assertFault(sb.device_authorization(), 'oauth', 503)
        self.assertFault(sb.vneid('GET', 'api/v1/userinfo', token=s['vneid_token']), 'oauth', 503)
        self.assertFault(sb.register(s['vneid_token']), 'oauth', 503)
        self.assertFault(sb.registration(s['vneid_token'], s['registration_id']), 'oauth', 503)
        self.assertFault(sb.handoff(s['vneid_token'], s['registration_id']), 'oauth', 503)
        self.assertFault(sb.smartca_refresh(s['refresh_token']), 'oauth', 503)
        for path, body in (('identityapi/userinfo/info', {}), ('enrollment/status', {}),
                           ('enrollment/contract', {}),
                           ('enrollment/contract/otp',
                            {'contractId': s['contract']['contractId']})):
            self.assertFault(sb.smartca(path, body, token=s['token']), 'envelope', 503)
        # Even bad requests: the fault comes first.
        self.assertFault(sb.smartca('enrollment/status', token=None), 'envelope', 503)

        # The control endpoints still work.
        self.assertEqual(sb.outbox(phone), outbox)
        sb.approve(d['user_code'], NGOC)
        sb.advance(1)

        # Nothing was carried out: no OTP went out, the refresh token is
        # still good, no second contract OTP was sent.
        sb.faults()
        self.assertEqual(sb.outbox(phone), outbox)
        self.assertSmartcaTokens(sb.smartca_refresh(s['refresh_token']))
        self.assertVneidTokens(sb.device_poll(d['device_code']))
        self.sb.contract_otp(s['token'], s['contract']['contractId'], AN)

    def test_other_statuses(self):
        s = self.sb.to_smartca(AN)
        for status in (500, 429):
            self.sb.faults(failRate=1.0, status=status)
            self.assertFault(self.sb.smartca('enrollment/status', token=s['token']), 'envelope',
                             status)
            self.assertFault(self.sb.vneid('GET', 'api/v1/userinfo', token=s['vneid_token']),
                             'oauth', status)
        self.sb.faults()
        self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=s['token']))

    def pattern(self, token, n=40):
        out = []
        for _ in range(n):
            r = self.sb.smartca('enrollment/status', token=token)
            if r.status == 200:
                out.append('.')
            else:
                self.assertFault(r, 'envelope', 503)
                out.append('x')
        return ''.join(out)

    def test_half_with_a_seed(self):
        s = self.sb.to_smartca(AN)
        self.sb.faults(failRate=0.5, seed=1234)
        first = self.pattern(s['token'])
        failures = first.count('x')
        self.assertTrue(8 <= failures <= 32, first)
        # The same seed, the same sequence.
        self.sb.faults(failRate=0.5, seed=1234)
        self.assertEqual(self.pattern(s['token']), first)
        # Control calls neither fail nor take a turn in the sequence.
        self.sb.faults(failRate=0.5, seed=1234)
        mixed = []
        for i in range(40):
            self.sb.outbox(CITIZENS[AN]['phone'])
            mixed.append(self.pattern(s['token'], 1))
        self.assertEqual(''.join(mixed), first)
        self.sb.faults()
        self.assertEqual(self.pattern(s['token'], 10), '.' * 10)

    def test_latency(self):
        s = self.sb.to_smartca(AN)
        self.sb.faults(latencyMs=1200)
        start = time.monotonic()
        self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=s['token']))
        self.assertGreaterEqual(time.monotonic() - start, 1.2)
        start = time.monotonic()
        r = self.sb.vneid('GET', 'api/v1/userinfo', token=s['vneid_token'])
        self.assertEqual(r.status, 200, r)
        self.assertGreaterEqual(time.monotonic() - start, 1.2)
        # The control endpoints are not delayed.
        start = time.monotonic()
        self.sb.outbox(CITIZENS[AN]['phone'])
        self.assertLess(time.monotonic() - start, 1.0)
        self.sb.faults()
        start = time.monotonic()
        self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=s['token']))
        self.assertLess(time.monotonic() - start, 1.0)

    def test_setting_faults_answers_what_latency_holds(self):
        """A request held by latencyMs is answered as soon as the faults are
        set again, with the answer it would have had: a test that has seen
        what a slow answer shows need not wait out the rest of it."""
        s = self.sb.to_smartca(AN)
        self.sb.faults(latencyMs=60000)
        answers = []
        held = threading.Thread(target=lambda: answers.append(
            self.sb.smartca('enrollment/status', token=s['token'], timeout=120)))
        start = time.monotonic()
        held.start()
        # Still held a moment later: the latency is in force...
        held.join(0.5)
        self.assertTrue(held.is_alive())
        # ...until the faults are set again (here: off).
        self.sb.faults()
        held.join(60)
        self.assertFalse(held.is_alive())
        self.assertLess(time.monotonic() - start, 30)
        self.assertEnvelopeOk(answers[0])

    def test_drop_connection_after_doing_it(self):
        sb = self.sb
        token = sb.login(AN)
        phone = CITIZENS[AN]['phone']
        sb.faults(failRate=1.0, dropConnection=True)
        key = new_key()
        with self.assertRaises(ConnectionDropped):
            sb.register(token, key)
        # The password grant was carried out: an OTP went out.
        before = sb.outbox(phone)
        with self.assertRaises(ConnectionDropped):
            sb.password_grant(AN)
        self.assertEqual(len(sb.outbox(phone)), len(before) + 1)
        sb.faults()
        # The registration exists: the same key returns the first answer.
        r = sb.register(token, key)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json['status'], 'SUBMITTED')
        rid = r.json['registration_id']
        r2 = sb.register(token, key)
        self.assertEqual((r2.status, r2.body), (201, r.body))
        r3 = sb.register(token, new_key())
        self.assertEqual((r3.status, r3.json['registration_id']), (200, rid))
        # A dropped contract OTP request still sent the OTP (so resending is
        # too soon) and it signs.
        code = sb.handoff(token, rid).json['code']
        t = sb.smartca_token(code).json['access_token']
        sb.wait_state(t, 'CONTRACT_PENDING')
        contract = sb.smartca('enrollment/contract', token=t).json['content']
        before = sb.outbox(phone)
        sb.faults(failRate=1.0, dropConnection=True)
        with self.assertRaises(ConnectionDropped):
            sb.smartca('enrollment/contract/otp', {'contractId': contract['contractId']}, token=t)
        sb.faults()
        otp = sb.latest_otp(phone, 'contract', after=before)
        r = sb.smartca('enrollment/contract/otp', {'contractId': contract['contractId']},
                       token=t)
        self.assertEnvelopeError(r, 429, 42900)
        self.assertEnvelopeOk(sb.sign(t, contract['contractId'], otp, contract['hash']))

    def test_drop_after_a_worker_signed(self):
        """A confirmation whose signature a worker made, then dropped: it was
        carried out, and a retry finds the challenge used."""
        sb = self.sb
        s = sb.to_acceptance(NGOC)
        info = sb.smartca('ssa/sic/waitingtraninfo', {'tranId': s['tran_id']},
                          token=s['token']).json['content']
        sad = sb.sad(s['kak'], s['credential_id'], s['tran_id'], info['challenge'])
        sb.faults(failRate=1.0, dropConnection=True)
        with self.assertRaises(ConnectionDropped):
            sb.confirm(s['token'], s['kak'], s['credential_id'], s['tran_id'],
                       info['challenge'], sad=sad)
        sb.faults()
        status = self.assertEnvelopeOk(sb.smartca('enrollment/status', token=s['token']))
        self.assertEqual(status['state'], 'ACTIVE')
        r = sb.confirm(s['token'], s['kak'], s['credential_id'], s['tran_id'],
                       info['challenge'], sad=sad)
        self.assertEnvelopeError(r, 400, 45000)
        self.assertEnvelopeOk(sb.smartca('enrollment/acceptance', token=s['token']))

    def test_drop_refused_requests_too(self):
        # A refused request whose connection is dropped changed nothing.
        sb = self.sb
        token = sb.login(AN)
        sb.faults(failRate=1.0, dropConnection=True)
        with self.assertRaises(ConnectionDropped):
            sb.register(token, body=registration_body(share_identity=False))
        sb.faults()
        self.assertEqual(sb.register(token).status, 201)
        self.assertTrue(sb.alive())

    def test_faults_off_with_empty_object(self):
        s = self.sb.to_smartca(AN)
        self.sb.faults(failRate=1.0, latencyMs=300, status=503)
        r = self.sb.control('POST', 'faults', body={})
        self.assertEqual((r.status, r.json), (200, {}), r)
        start = time.monotonic()
        self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=s['token']))
        self.assertLess(time.monotonic() - start, 1.0)


if __name__ == '__main__':
    sandbox.main(title='test_faults')
