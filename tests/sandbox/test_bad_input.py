# SPDX-License-Identifier: GPL-3.0-or-later
"""The bad-input battery: every endpoint of issue #2 gets malformed JSON,
wrong types, missing fields, bodies over 1 MiB, unknown paths, wrong
methods, expired or forged tokens, calls in the wrong state, bad forms and
invalid UTF-8. Each must get the JSON error of PROTOCOL.md: never a crash
(the process answers afterwards), never a hang (every request has a
timeout), never an HTML page. Afterwards the database holds no
half-written rows, and the log holds no secret used in the run."""

import http.client
import json
import os
import socket
import sqlite3
import ssl
import threading
import time

import sandbox
from sandbox import (AN, BAO, CITIZENS, CLIENT_ID, DEFAULT_SCOPE, HUONG, NHUNG, PASSWORD, TUAN,
                     Sandbox, SandboxTestCase, new_key, registration_body, sha256_b64)

MIB = 1024 * 1024
METHODS = ('GET', 'POST', 'PUT', 'DELETE', 'PATCH')
WRONG_VALUES = (1, 2.5, True, None, [], {}, ['x'])


class Endpoint:
    """One endpoint of issue #2 and how a good request to it looks."""

    def __init__(self, api, method, pattern, kind, auth=None, good=None, required=(),
                 idempotent=False):
        self.api = api
        self.method = method
        self.pattern = pattern
        self.kind = kind          # 'form', 'json', 'none', 'query'
        self.auth = auth          # None, 'vneid', 'smartca'
        self.good = good          # a function of the battery returning a good body
        self.required = required
        self.idempotent = idempotent

    @property
    def shape(self):
        if self.api == 'vneid' or self.pattern.startswith('auth/'):
            return 'oauth'
        return 'envelope' if self.api == 'smartca' else 'control'

    def __repr__(self):
        return '%s %s/%s' % (self.method, self.api.upper(), self.pattern)


def endpoints():
    return [
        Endpoint('vneid', 'POST', 'oauth/device_authorization', 'form',
                 good=lambda b: {'client_id': CLIENT_ID, 'scope': DEFAULT_SCOPE},
                 required=('client_id',)),
        Endpoint('vneid', 'POST', 'oauth/token', 'form',
                 good=lambda b: {'grant_type': 'password', 'username': TUAN,
                                 'password': 'wrong-but-well-formed', 'client_id': CLIENT_ID},
                 required=('grant_type', 'username', 'password', 'client_id')),
        Endpoint('vneid', 'POST', 'oauth/revoke', 'form',
                 good=lambda b: {'token': 'never-issued-token-' + 'r' * 20,
                                 'client_id': CLIENT_ID},
                 required=('token', 'client_id')),
        Endpoint('vneid', 'GET', 'api/v1/userinfo', 'none', auth='vneid'),
        Endpoint('vneid', 'POST', 'api/v1/smartca/registrations', 'json', auth='vneid',
                 good=lambda b: registration_body(), required=('service_pack', 'consent'),
                 idempotent=True),
        Endpoint('vneid', 'GET', 'api/v1/smartca/registrations/{id}', 'none', auth='vneid'),
        Endpoint('vneid', 'POST', 'api/v1/smartca/registrations/{id}/handoff', 'none',
                 auth='vneid'),
        Endpoint('smartca', 'POST', 'auth/token', 'form',
                 good=lambda b: {'grant_type': 'authorization_code',
                                 'code': 'never-issued-code-' + 'c' * 20,
                                 'client_id': CLIENT_ID},
                 required=('grant_type', 'code', 'client_id')),
        Endpoint('smartca', 'POST', 'auth/revoke', 'form',
                 good=lambda b: {'token': 'never-issued-token-' + 's' * 20,
                                 'client_id': CLIENT_ID},
                 required=('token', 'client_id')),
        Endpoint('smartca', 'POST', 'identityapi/userinfo/info', 'json', auth='smartca',
                 good=lambda b: {}),
        Endpoint('smartca', 'POST', 'enrollment/status', 'json', auth='smartca',
                 good=lambda b: {}),
        Endpoint('smartca', 'POST', 'enrollment/contract', 'json', auth='smartca',
                 good=lambda b: {}),
        Endpoint('smartca', 'POST', 'enrollment/contract/otp', 'json', auth='smartca',
                 good=lambda b: {'contractId': b.contract['contractId']},
                 required=('contractId',)),
        Endpoint('smartca', 'POST', 'enrollment/contract/sign', 'json', auth='smartca',
                 good=lambda b: {'contractId': b.contract['contractId'], 'otp': '000000',
                                 'hash': sha256_b64(b'not the contract')},
                 required=('contractId', 'otp', 'hash')),
        # Issue #3: activation, transactions, credentials, the portal.
        Endpoint('smartca', 'POST', 'enrollment/activate', 'json', auth='smartca',
                 good=lambda b: {'kakPublicKey': b.kak.public_b64, 'device': b.kak.device()},
                 required=('kakPublicKey', 'device'), idempotent=True),
        Endpoint('smartca', 'POST', 'enrollment/certificate', 'json', auth='smartca',
                 good=lambda b: {'credentialId': NO_SUCH_ID, 'sad': 'a.b.c'},
                 required=('credentialId', 'sad')),
        Endpoint('smartca', 'POST', 'enrollment/acceptance', 'json', auth='smartca',
                 good=lambda b: {}),
        Endpoint('smartca', 'POST', 'enrollment/device/otp', 'json', auth='smartca',
                 good=lambda b: {}),
        Endpoint('smartca', 'POST', 'enrollment/device/confirm', 'json', auth='smartca',
                 good=lambda b: {'credentialId': NO_SUCH_ID, 'sad': 'a.b.c'},
                 required=('credentialId', 'sad')),
        Endpoint('smartca', 'POST', 'ssa/sic/waitingtrans', 'json', auth='smartca',
                 good=lambda b: {}),
        Endpoint('smartca', 'POST', 'ssa/sic/waitingtraninfo', 'json', auth='smartca',
                 good=lambda b: {'tranId': NO_SUCH_ID}, required=('tranId',)),
        Endpoint('smartca', 'POST', 'ssa/sic/signconfirm', 'json', auth='smartca',
                 good=lambda b: {'tranId': NO_SUCH_ID, 'credentialId': NO_SUCH_ID,
                                 'sad': 'a.b.c'},
                 required=('tranId', 'credentialId', 'sad')),
        Endpoint('smartca', 'POST', 'ssa/sic/signreject', 'json', auth='smartca',
                 good=lambda b: {'tranId': NO_SUCH_ID}, required=('tranId',)),
        Endpoint('smartca', 'POST', 'csc/credentials/list', 'json', auth='smartca',
                 good=lambda b: {}),
        Endpoint('smartca', 'POST', 'csc/credentials/info', 'json', auth='smartca',
                 good=lambda b: {'credentialId': NO_SUCH_ID}, required=('credentialId',)),
        Endpoint('smartca', 'POST', 'csc/signature/signhash', 'json', auth='smartca',
                 good=lambda b: {'credentialId': NO_SUCH_ID, 'refTranId': 'ref',
                                 'description': 'Hồ sơ',
                                 'datas': [{'name': 'a.pdf', 'hash': sha256_b64(b'a')}]},
                 required=('credentialId', 'refTranId', 'description', 'datas')),
        Endpoint('smartca', 'POST', 'csc/credentials/gettraninfo', 'json', auth='smartca',
                 good=lambda b: {'tranId': NO_SUCH_ID}, required=('tranId',)),
        Endpoint('control', 'GET', 'outbox', 'query'),
        Endpoint('control', 'POST', 'vneid/approve', 'json',
                 good=lambda b: {'user_code': 'ZZZZ-ZZZZ', 'citizen_id': AN},
                 required=('user_code', 'citizen_id')),
        Endpoint('control', 'POST', 'vneid/deny', 'json',
                 good=lambda b: {'user_code': 'ZZZZ-ZZZZ', 'citizen_id': AN},
                 required=('user_code', 'citizen_id')),
        Endpoint('control', 'POST', 'faults', 'json', good=lambda b: {}),
        Endpoint('control', 'POST', 'clock', 'json', good=lambda b: {'advanceSeconds': 0},
                 required=('advanceSeconds',)),
        Endpoint('control', 'POST', 'portal/signhash', 'json',
                 good=lambda b: {'citizen_id': AN, 'description': 'Hồ sơ',
                                 'datas': [{'name': 'a.pdf', 'hash': sha256_b64(b'a')}]},
                 required=('citizen_id', 'description', 'datas')),
        Endpoint('control', 'GET', 'portal/transactions/{id}', 'none'),
    ]


# An id no row has: the battery's requests are well formed, yet change nothing.
NO_SUCH_ID = '00000000-0000-4000-8000-000000000000'


MALFORMED_JSON = [
    b'{', b'{"a":', b'{"a" 1}', b'{a: 1}', b"{'a': 1}", b'nul', b'{"a": 1,}', b'{}}',
    b'{"a": "\\x"}', b'\xef\xbb\xbf{"a": 1', b'{"a": 1e999999}x',
    b'{"a": "unterminated', b'\x00{}', b'{} {}',
]
NOT_AN_OBJECT = [b'[]', b'"text"', b'42', b'null', b'true', b'[{}]']
INVALID_UTF8 = [b'{"a": "\xff\xfe"}', b'{"\xc3\x28": 1}', b'{"a": "\xed\xa0\x80"}',
                b'{"a": "\xf8\x88\x80\x80\x80"}', b'\xff']


class Battery(SandboxTestCase):
    """One sandbox for the whole battery; test names set the order."""

    @classmethod
    def setUpClass(cls):
        cls.sb = Sandbox()
        b = cls
        sb = cls.sb
        b.registrations = {}           # registration_id -> citizen_id, from the API
        # An: up to CONTRACT_PENDING with the contract fetched.
        s = sb.to_contract(AN)
        b.vneid_token = s['vneid_token']
        b.smartca_token = s['token']
        b.refresh_token = s['refresh_token']
        b.contract = s['contract']
        b.registration_id = s['registration_id']
        b.registrations[s['registration_id']] = AN
        # Nhung: signed (ACTIVATION_PENDING), for calls in a state gone by.
        n = sb.to_contract(NHUNG)
        otp = sb.contract_otp(n['token'], n['contract']['contractId'], NHUNG)
        r = sb.sign(n['token'], n['contract']['contractId'], otp, n['contract']['hash'])
        assert r.status == 200, r
        b.signed = n
        b.registrations[n['registration_id']] = NHUNG
        # Tuấn: logged in (identity level 1, no registration).
        b.tuan_token = sb.login(TUAN)
        b.kak = sandbox.Kak()

    @classmethod
    def tearDownClass(cls):
        cls.sb.close()

    def setUp(self):
        pass

    def tearDown(self):
        self.assertTrue(self.sb.running, 'the sandbox died; log:\n' + self.sb.log_tail())

    # --- Helpers ---------------------------------------------------------------

    def token_for(self, ep):
        return {'vneid': self.vneid_token, 'smartca': self.smartca_token}.get(ep.auth)

    def params(self, ep):
        return {'id': self.registration_id} if '{id}' in ep.pattern else None

    def send(self, ep, token=True, method=None, **kw):
        tok = self.token_for(ep) if token is True else token
        if ep.idempotent:
            kw.setdefault('headers', {}).setdefault('Idempotency-Key', new_key())
        r = self.sb.request(ep.api, method or ep.method, ep.pattern, params=self.params(ep),
                            token=tok, **kw)
        self.note_registration(r)
        return r

    def note_registration(self, r):
        if r.status in (200, 201) and isinstance(r.json, dict) and \
                'registration_id' in r.json and 'status' in r.json:
            self.registrations.setdefault(r.json['registration_id'], None)

    def assertShape(self, ep, r, status, oauth_error=None, code=None, field=None):
        """The error of @ep's API with @status (a set allowed)."""
        msg = '%r: %r' % (ep, r)
        self.assertNotIn(b'<html', r.body.lower(), msg)
        self.assertEqual(r.content_type, 'application/json', msg)
        self.assertIsNone(r.json_error, msg)
        statuses = status if isinstance(status, (set, tuple)) else (status,)
        self.assertIn(r.status, statuses, msg)
        self.assertIsInstance(r.json, dict, msg)
        if ep.shape == 'oauth':
            self.assertIsInstance(r.json.get('error'), str, msg)
            if oauth_error is not None:
                self.assertEqual(r.json['error'], oauth_error, msg)
            text = r.json.get('error_description', '')
        elif ep.shape == 'envelope':
            self.assertTrue({'code', 'codeDesc', 'message', 'content'} <= set(r.json), msg)
            self.assertIsInstance(r.json['code'], int, msg)
            self.assertNotEqual(r.json['code'], 0, msg)
            if code is not None:
                self.assertEqual(r.json['code'], code, msg)
                self.assertEqual(sandbox.ENVELOPE_CODES[code][1], r.json['codeDesc'], msg)
            text = r.json['message']
        else:
            self.assertIsInstance(r.json.get('error'), str, msg)
            text = json.dumps(r.json, ensure_ascii=False)
        if field is not None:
            self.assertIn(field, text or '', msg)

    def assertBadRequest(self, ep, r, field=None):
        self.assertShape(ep, r, 400, oauth_error='invalid_request', code=30000, field=field)

    def body_endpoints(self, kind):
        return [ep for ep in endpoints() if ep.kind == kind]

    # --- 1. Malformed JSON, wrong types, missing fields, invalid UTF-8 ---------------

    def test_1_malformed_json(self):
        for ep in self.body_endpoints('json'):
            for data in MALFORMED_JSON + NOT_AN_OBJECT + INVALID_UTF8:
                with self.subTest(endpoint=repr(ep), body=data):
                    r = self.send(ep, data=data)
                    self.assertBadRequest(ep, r)

    def test_1_deep_nesting(self):
        # A parser that recurses would run out of stack long before 1 MiB.
        for ep in self.body_endpoints('json'):
            for data in (b'[' * 500000, b'{"a":' * 150000, b'[' * 200000 + b']' * 200000):
                with self.subTest(endpoint=repr(ep), size=len(data)):
                    r = self.send(ep, data=data)
                    self.assertBadRequest(ep, r)

    def test_1_empty_body(self):
        for ep in self.body_endpoints('json'):
            with self.subTest(endpoint=repr(ep)):
                r = self.send(ep, data=b'')
                if ep.required:
                    self.assertBadRequest(ep, r)
                else:
                    # A {} endpoint may read an empty body as {}: but JSON it is.
                    self.assertJson(r)
                    self.assertIn(r.status, (200, 400), r)

    def test_1_missing_fields(self):
        for ep in self.body_endpoints('json') + self.body_endpoints('form'):
            for field in ep.required:
                with self.subTest(endpoint=repr(ep), field=field):
                    body = ep.good(self)
                    del body[field]
                    if ep.kind == 'json':
                        r = self.send(ep, body=body)
                    else:
                        r = self.send(ep, form=body)
                    self.assertBadRequest(ep, r, field=field)

    def test_1_wrong_types(self):
        for ep in self.body_endpoints('json'):
            fields = list(ep.required)
            if ep.pattern == 'api/v1/smartca/registrations':
                fields += ['consent.share_identity', 'consent.terms_version']
            if ep.pattern == 'faults':
                fields = ['failRate', 'latencyMs', 'status', 'dropConnection', 'seed']
            for field in fields:
                for value in WRONG_VALUES:
                    good = ep.good(self)
                    if field == 'failRate' and isinstance(value, (int, float)) and \
                            not isinstance(value, bool):
                        continue
                    if field in ('latencyMs', 'status', 'seed', 'advanceSeconds') and \
                            isinstance(value, (int, float)) and not isinstance(value, bool):
                        continue
                    if field == 'dropConnection' and isinstance(value, bool):
                        continue
                    if field == 'consent.share_identity' and value is True:
                        continue
                    # An array is datas' type; what is in it is checked as the
                    # hash list it must be (62010, test_signing.py).
                    if field == 'datas' and isinstance(value, list):
                        continue
                    with self.subTest(endpoint=repr(ep), field=field, value=value):
                        if '.' in field:
                            outer, inner = field.split('.')
                            good[outer][inner] = value
                        else:
                            good[field] = value
                        r = self.send(ep, body=good)
                        # A nested field may be named by its own name or its parent's.
                        self.assertBadRequest(ep, r)
                        text = r.json.get('error_description') or r.json.get('message') or \
                            r.json.get('error') or ''
                        names = field.split('.')
                        if field == 'consent' and isinstance(value, dict):
                            names += ['share_identity', 'terms_version']
                        self.assertTrue(any(name in text for name in names), r)

        self.sb.faults()

    def test_1_nul_and_odd_strings(self):
        ep = [e for e in endpoints() if e.pattern == 'enrollment/contract/sign'][0]
        for value in ('abc\u0000def', '\u0000', 'x' * 100000, '\U0001F600' * 10,
                      "' OR '1'='1", '%s%s%n'):
            with self.subTest(value=value[:20]):
                body = ep.good(self)
                body['contractId'] = value
                r = self.send(ep, body=body)
                self.assertJson(r)
                self.assertIn(r.status, (400, 403, 404), r)
                self.assertNotEqual(r.json.get('code'), 0, r)

    # --- 2. Bad forms --------------------------------------------------------------

    def test_2_bad_forms(self):
        for ep in self.body_endpoints('form'):
            good = ep.good(self)
            with self.subTest(endpoint=repr(ep), case='JSON instead of a form'):
                r = self.send(ep, body=good)
                self.assertBadRequest(ep, r)
            with self.subTest(endpoint=repr(ep), case='text/plain'):
                r = self.send(ep, data=b'a=b', content_type='text/plain')
                self.assertBadRequest(ep, r)
            with self.subTest(endpoint=repr(ep), case='empty'):
                r = self.send(ep, data=b'', content_type='application/x-www-form-urlencoded')
                self.assertBadRequest(ep, r)
            for data in (b'%zz=%%%&&&==', b'\xff\xfe=\xff', b'client_id=%ff%fe&grant_type=%c3',
                         b'=&=&=', b'a' * 100000):
                with self.subTest(endpoint=repr(ep), data=data[:30]):
                    r = self.send(ep, data=data,
                                  content_type='application/x-www-form-urlencoded')
                    self.assertShape(ep, r, 400)
            with self.subTest(endpoint=repr(ep), data='a NUL in client_id'):
                form = '&'.join('%s=%s' % (k, v) for k, v in good.items())
                r = self.send(ep, data=form.replace('smartca-enroll', 'smartca-enroll%00').encode(),
                              content_type='application/x-www-form-urlencoded')
                self.assertShape(ep, r, (400, 401))

    def test_2_form_values_with_nul(self):
        # "%00" decodes to a NUL inside the value: the value is not the one
        # before the NUL. A password, citizen ID or OTP with a NUL and more
        # after it is wrong, never taken as its prefix.
        def form(**fields):
            return '&'.join('%s=%s' % kv for kv in fields.items()).encode()

        def post(data):
            return self.sb.request('vneid', 'POST', 'oauth/token', data=data,
                                   content_type='application/x-www-form-urlencoded')

        r = post(form(grant_type='password', username=HUONG, password=PASSWORD + '%00xyz',
                      client_id=CLIENT_ID))
        self.assertEqual(r.status, 400, r)
        self.assertIn(r.error, ('invalid_grant', 'invalid_request'), r)
        r = post(form(grant_type='password', username=HUONG + '%00999', password=PASSWORD,
                      client_id=CLIENT_ID))
        self.assertEqual(r.status, 400, r)
        self.assertIn(r.error, ('invalid_grant', 'invalid_request'), r)
        r = self.sb.password_grant(HUONG)
        self.assertEqual(r.error, 'otp_required', r)
        otp = self.sb.latest_otp(CITIZENS[HUONG]['phone'], 'vneid-login')
        r = post(form(grant_type=sandbox.GRANT_OTP, otp_session=r.json['otp_session'],
                      otp=otp + '%00777', client_id=CLIENT_ID))
        self.assertEqual(r.status, 400, r)
        self.assertIn(r.error, ('invalid_otp', 'invalid_request'), r)
        self.assertNotIn('access_token', r.json)

    def test_2_form_invalid_utf8_password(self):
        r = self.sb.request('vneid', 'POST', 'oauth/token',
                            data=('grant_type=password&username=%s&password=%%ff%%c3&client_id=%s'
                                  % (BAO, CLIENT_ID)).encode(),
                            content_type='application/x-www-form-urlencoded')
        self.assertEqual(r.status, 400, r)
        self.assertIn(r.error, ('invalid_request', 'invalid_grant'), r)
        # Not UTF-8 is not a password at all: it must not count as a wrong one.
        r = self.sb.password_grant(BAO, 'wrong')
        if r.error == 'invalid_grant' and r.json.get('attempts_left') is not None:
            self.assertIn(r.json['attempts_left'], (3, 4), r)

    # --- 3. Bodies over 1 MiB --------------------------------------------------------

    def test_3_over_1_mib(self):
        for ep in endpoints():
            if ep.method != 'POST':
                continue
            with self.subTest(endpoint=repr(ep)):
                data = b'{"pad": "' + b'x' * (MIB + 1) + b'"}'
                headers = {'Content-Type': 'application/json' if ep.kind != 'form'
                           else 'application/x-www-form-urlencoded'}
                tok = self.token_for(ep)
                if tok:
                    headers['Authorization'] = 'Bearer ' + tok
                if ep.idempotent:
                    headers['Idempotency-Key'] = new_key()
                path = ep.pattern.replace('{id}', self.registration_id)
                r = self.sb.raw_request(ep.api, 'POST', path, data=data, headers=headers)
                self.assertShape(ep, r, 413, code=41300)

    def test_3_declared_length_over_1_mib(self):
        # A Content-Length over 1 MiB is refused at once, whether the client
        # waits for "100 Continue" or sends (a little of) the body anyway.
        for api, path in (('vneid', 'oauth/token'), ('smartca', 'enrollment/status'),
                          ('control', 'faults')):
            for expect, data in (('Expect: 100-continue\r\n', b''), ('', b'{"a": "' + b'x' * 1000)):
                with self.subTest(api=api, expect=bool(expect)):
                    r = self.partial_request(api, path, 'Content-Length: 2000000000\r\n' + expect,
                                             data)
                    self.assertIsNotNone(r, '%s: no answer to a declared 2 GB body' % api)
                    self.assertIn(b' 413 ', r.split(b'\r\n', 1)[0], r[:300])
                    self.assertIn(b'application/json', r.lower())

    def test_3_big_bodies_are_not_kept(self):
        # A body over 1 MiB is read and dropped, never held in memory.
        def rss_kib():
            with open('/proc/%d/status' % self.sb.proc.pid) as f:
                for line in f:
                    if line.startswith('VmRSS:'):
                        return int(line.split()[1])
            return 0

        with open('/proc/%d/maps' % self.sb.proc.pid) as f:
            if 'libasan' in f.read():
                self.skipTest('AddressSanitizer keeps freed memory in quarantine')
        before = rss_kib()
        data = b'x' * (64 * MIB)
        r = self.sb.raw_request('smartca', 'POST', 'enrollment/status', data=data,
                                headers={'Authorization': 'Bearer ' + self.smartca_token,
                                         'Content-Type': 'application/json'}, timeout=60)
        self.assertEqual(r.status, 413, r)
        self.assertLess(rss_kib() - before, 32 * 1024, 'the sandbox grew by the body')

    def test_3_chunked_over_1_mib(self):
        chunk = b'x' * 65536
        body = b''.join(b'%x\r\n%s\r\n' % (len(chunk), chunk) for _ in range(17)) + b'0\r\n\r\n'
        r = self.partial_request('smartca', 'enrollment/status',
                                 'Transfer-Encoding: chunked\r\nAuthorization: Bearer %s\r\n'
                                 % self.smartca_token, body, wait=20)
        self.assertIsNotNone(r, 'no answer to a chunked body over 1 MiB')
        self.assertIn(b' 413 ', r.split(b'\r\n', 1)[0], r[:300])

    def partial_request(self, api, path, headers, data, wait=10):
        """Sends a request by hand and returns the raw answer (or None)."""
        sock = socket.create_connection(('127.0.0.1', self.sb.port), timeout=wait)
        tls = self.sb.ctx.wrap_socket(sock, server_hostname='127.0.0.1')
        try:
            target = self.sb.url(api, path).split(str(self.sb.port), 1)[1]
            head = ('POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n'
                    'Content-Type: application/json\r\n%sConnection: close\r\n\r\n'
                    % (target, self.sb.port, headers)).encode()
            try:
                tls.sendall(head + data)
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                pass
            answer = b''
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                try:
                    chunk = tls.recv(65536)
                except (socket.timeout, TimeoutError):
                    break
                except (ConnectionResetError, ssl.SSLError):
                    break
                if not chunk:
                    break
                answer += chunk
                if b'\r\n\r\n' in answer and b'}' in answer.split(b'\r\n\r\n', 1)[1]:
                    break
            return answer or None
        finally:
            tls.close()

    # --- 4. Unknown paths and wrong methods -----------------------------------------------

    def test_4_unknown_paths(self):
        paths = {
            'vneid': ['', 'x', 'oauth', 'oauth/token/x', 'api/v1/userinfo/x', 'api/v1/smartca',
                      'api/v1/smartca/registrations/%s/handoff/x' % self.registration_id,
                      'API/V1/USERINFO', 'a' * 8000],
            'smartca': ['', 'x', 'auth', 'enrollment', 'enrollment/contract/x', 'auth/x',
                        'identityapi/userinfo', 'csc/x', 'a' * 8000],
            'control': ['', 'x', 'outbox/x', 'vneid', 'vneid/approve/x'],
        }
        for api, items in paths.items():
            for path in items:
                for method in ('GET', 'POST'):
                    ep = Endpoint(api, method, path, 'none')
                    with self.subTest(api=api, path=path[:40], method=method):
                        tok = {'vneid': self.vneid_token,
                               'smartca': self.smartca_token}.get(api)
                        r = self.sb.request(api, method, path, token=tok,
                                            body={} if method == 'POST' else None)
                        if path.startswith('auth/'):
                            # Below the OAuth endpoints: either shape will do.
                            self.assertJson(r)
                            self.assertEqual(r.status, 404, r)
                            continue
                        self.assertShape(ep, r, 404, oauth_error='not_found')
        # A path libsoup itself finds bad (a NUL): 400 or 404, in the API's shape.
        for api, path in (('vneid', 'api/v1/userinfo%00'), ('smartca', 'enrollment/status%00'),
                          ('control', 'outbox%00')):
            ep = Endpoint(api, 'POST', path, 'none')
            with self.subTest(api=api, path=path):
                tok = {'vneid': self.vneid_token, 'smartca': self.smartca_token}.get(api)
                r = self.sb.raw_request(api, 'POST', path, data=b'{}',
                                        headers={'Content-Type': 'application/json',
                                                 'Authorization': 'Bearer %s' % tok})
                self.assertShape(ep, r, (400, 404))
        # Outside the three bases.
        for path in ('/', '/x', '/vneidx/oauth/token', '/sandboxes', '/smartca..'):
            with self.subTest(path=path):
                r = self.sb.raw_request('vneid', 'GET', '../' + path.lstrip('/'))
                self.assertEqual(r.status, 404, r)
                self.assertJson(r)

    def test_4_odd_ids(self):
        ep = [e for e in endpoints() if e.pattern == 'api/v1/smartca/registrations/{id}'][0]
        for rid in ('x', "' OR 1=1 --", '%', 'ü', '%00', 'z' * 5000,
                    self.signed['registration_id']):
            with self.subTest(id=rid[:20]):
                r = self.sb.request('vneid', 'GET', ep.pattern, params={'id': rid},
                                    token=self.vneid_token)
                self.assertShape(ep, r, 404, oauth_error='not_found')
                r = self.sb.request('vneid', 'POST', ep.pattern + '/handoff', params={'id': rid},
                                    token=self.vneid_token)
                self.assertShape(ep, r, 404, oauth_error='not_found')

    def test_4_wrong_methods(self):
        for ep in endpoints():
            for method in METHODS:
                if method == ep.method:
                    continue
                with self.subTest(endpoint=repr(ep), method=method):
                    r = self.send(ep, method=method,
                                  body={} if method in ('POST', 'PUT', 'PATCH') else None)
                    if ep.api == 'smartca' and ep.pattern.startswith('auth/'):
                        # The OAuth endpoints: RFC 6749 shape or an envelope.
                        self.assertJson(r)
                        self.assertEqual(r.status, 405, r)
                        continue
                    self.assertShape(ep, r, 405, oauth_error='method_not_allowed')

    # --- 5. Tokens -----------------------------------------------------------------------

    def bad_authorizations(self, ep):
        other = self.smartca_token if ep.auth == 'vneid' else self.vneid_token
        return [
            None, 'Bearer', 'Bearer ', 'Basic Zm9vOmJhcg==',
            'Bearer ' + 'A' * 43, 'Bearer ' + self.token_for(ep) + 'x',
            'Bearer ' + self.token_for(ep)[:-1], 'Bearer ' + 'x' * 6000, 'Bearer x\ty',
            'Bearer ' + other, 'Bearer ' + self.refresh_token, 'Token ' + self.token_for(ep),
            'Bearer ' + self.token_for(ep) + ', Bearer ' + self.token_for(ep),
            "Bearer ' OR '1'='1",
        ]

    def test_5_forged_tokens(self):
        for ep in endpoints():
            if ep.auth is None:
                continue
            for auth in self.bad_authorizations(ep):
                with self.subTest(endpoint=repr(ep), auth=(auth or '')[:30]):
                    headers = {'Authorization': auth} if auth is not None else {}
                    kw = {'body': ep.good(self)} if ep.kind == 'json' else {}
                    r = self.send(ep, token=None, headers=headers, **kw)
                    self.assertShape(ep, r, 401, oauth_error='invalid_token', code=40100)

    def test_5_authentication_before_syntax(self):
        for ep in endpoints():
            if ep.auth is None:
                continue
            with self.subTest(endpoint=repr(ep)):
                r = self.send(ep, token=None, data=b'{broken')
                self.assertShape(ep, r, 401, oauth_error='invalid_token', code=40100)

    def test_5_invalid_utf8_header(self):
        for api, path in (('vneid', 'api/v1/userinfo'), ('smartca', 'enrollment/status')):
            with self.subTest(api=api):
                r = self.sb.raw_request(api, 'GET' if api == 'vneid' else 'POST', path,
                                        data=b'{}', headers={'Authorization': b'Bearer \xff\xfe',
                                                             'Content-Type': 'application/json'})
                self.assertIn(r.status, (400, 401), r)
                self.assertJson(r)

    # --- 6. Calls in the wrong state --------------------------------------------------------

    def test_6_wrong_state(self):
        n = self.signed
        c = n['contract']
        for path, body in (('enrollment/contract', {}),
                           ('enrollment/contract/otp', {'contractId': c['contractId']}),
                           ('enrollment/contract/sign', {'contractId': c['contractId'],
                                                         'otp': '123456', 'hash': c['hash']})):
            with self.subTest(path=path):
                r = self.sb.smartca(path, body, token=n['token'])
                ep = Endpoint('smartca', 'POST', path, 'json')
                self.assertShape(ep, r, 409, code=40900)
                self.assertEqual(r.json['content'], {'state': 'ACTIVATION_PENDING'}, r)
        # A syncing enrollment.
        s = self.sb.to_smartca(BAO)
        self.registrations[s['registration_id']] = BAO
        for path, body in (('enrollment/contract', {}),
                           ('enrollment/contract/otp', {'contractId': c['contractId']}),
                           ('enrollment/contract/sign', {'contractId': c['contractId'],
                                                         'otp': '123456', 'hash': c['hash']})):
            with self.subTest(path=path, state='SYNCING'):
                r = self.sb.smartca(path, body, token=s['token'])
                ep = Endpoint('smartca', 'POST', path, 'json')
                self.assertShape(ep, r, 409, code=40900)
                self.assertEqual(r.json['content'], {'state': 'SYNCING'}, r)
        # Someone else's contract: not found or not theirs, and nothing happens to it.
        self.sb.wait_state(s['token'], 'CONTRACT_PENDING')
        r = self.sb.smartca('enrollment/contract/otp', {'contractId': self.contract['contractId']},
                            token=s['token'])
        self.assertEnvelopeFailure(r, (400, 403, 404))
        r = self.sb.smartca('enrollment/contract/sign',
                            {'contractId': self.contract['contractId'], 'otp': '123456',
                             'hash': self.contract['hash']}, token=s['token'])
        self.assertEnvelopeFailure(r, (400, 403, 404))
        self.assertEqual([m for m in self.sb.outbox(CITIZENS[AN]['phone'])
                          if m['purpose'] == 'contract'], [])

    def test_6_registration_refusals_write_nothing(self):
        # Identity level 1, consent refused, another pack: no registration.
        r = self.sb.register(self.tuan_token)
        self.assertEqual((r.status, r.error), (403, 'identity_level_insufficient'), r)
        for key in ('', ' ', 'k' * 5000):
            with self.subTest(key=key[:10]):
                r = self.sb.vneid('POST', 'api/v1/smartca/registrations', token=self.tuan_token,
                                  headers={'Idempotency-Key': key}, body=registration_body())
                self.assertJson(r)
                self.assertIn(r.status, (400, 403), r)

    # --- 7. Many at once, and slow clients ----------------------------------------------------

    def test_7_concurrent_garbage(self):
        errors = []

        def worker(i):
            try:
                for j in range(10):
                    ep = endpoints()[(i + j) % len(endpoints())]
                    r = self.send(ep, data=MALFORMED_JSON[(i * j) % len(MALFORMED_JSON)])
                    if r.content_type != 'application/json' or r.json is None:
                        errors.append((repr(ep), r))
            except Exception as e:  # noqa: BLE001 - collected and reported below
                errors.append(repr(e))

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(errors, [])

    def test_7_stalled_clients_do_not_block(self):
        socks = []
        try:
            for _ in range(5):
                sock = socket.create_connection(('127.0.0.1', self.sb.port), timeout=10)
                tls = self.sb.ctx.wrap_socket(sock, server_hostname='127.0.0.1')
                tls.sendall(b'POST /vneid/oauth/token HTTP/1.1\r\nHost: x\r\n'
                            b'Content-Length: 100\r\n\r\nabc')
                socks.append(tls)
            # A plain-text client on the TLS port, and one that sends nothing.
            plain = socket.create_connection(('127.0.0.1', self.sb.port), timeout=10)
            plain.sendall(b'GET /vneid/api/v1/userinfo HTTP/1.0\r\n\r\n')
            socks.append(plain)
            socks.append(socket.create_connection(('127.0.0.1', self.sb.port), timeout=10))
            start = time.monotonic()
            r = self.sb.vneid('GET', 'api/v1/userinfo', token=self.vneid_token, timeout=10)
            self.assertEqual(r.status, 200, r)
            self.assertLess(time.monotonic() - start, 5)
        finally:
            for s in socks:
                s.close()

    def test_7_kept_alive_connections_are_closed_when_left(self):
        """Connections stay open for the next request; one its client closes
        while idle does not keep its descriptor (libsoup 3.2 would)."""
        def descriptors():
            return len(os.listdir('/proc/%d/fd' % self.sb.proc.pid))

        conn = http.client.HTTPSConnection('127.0.0.1', self.sb.port, context=self.sb.ctx,
                                           timeout=10)
        for _ in range(3):
            conn.request('GET', '/sandbox/outbox?phone=0900000000')
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            self.assertNotEqual((r.getheader('Connection') or '').lower(), 'close')
        conn.close()
        before = descriptors()
        for _ in range(60):
            conn = http.client.HTTPSConnection('127.0.0.1', self.sb.port, context=self.sb.ctx,
                                               timeout=10)
            conn.request('POST', '/smartca/enrollment/status', body=b'{}',
                         headers={'Content-Type': 'application/json',
                                  'Authorization': 'Bearer ' + self.smartca_token})
            conn.getresponse().read()
            conn.close()
        deadline = time.monotonic() + 15
        while descriptors() > before + 5 and time.monotonic() < deadline:
            time.sleep(0.5)
        self.assertLessEqual(descriptors(), before + 5)

    # --- 8. Expired tokens (the clock moves on for good here) -----------------------------------

    def test_8_expired_tokens(self):
        self.sb.advance(3600)
        for ep in endpoints():
            if ep.auth is None:
                continue
            with self.subTest(endpoint=repr(ep)):
                kw = {'body': ep.good(self)} if ep.kind == 'json' else {}
                r = self.send(ep, **kw)
                self.assertShape(ep, r, 401, oauth_error='invalid_token', code=40100)

    # --- 9. After the battery ---------------------------------------------------------------------

    def test_9_still_answers_then_database_and_log(self):
        self.assertTrue(self.sb.alive())
        token = self.sb.login(AN)
        r = self.sb.vneid('GET', 'api/v1/userinfo', token=token)
        self.assertEqual(r.status, 200, r)
        leaked = self.sb.leaked_secrets()
        self.assertEqual(leaked, [], 'secrets in the sandbox log')
        self.sb.stop()
        self.assertEqual(self.sb.log_problems(), [], 'warnings in the sandbox log')
        self.check_database()
        self.sb.start()

    def check_database(self):
        path = '%s/sandbox.db' % self.sb.data_dir
        db = sqlite3.connect('file:%s?mode=ro' % path, uri=True)
        try:
            q = lambda sql, *a: db.execute(sql, a).fetchall()  # noqa: E731
            self.assertEqual(q('PRAGMA integrity_check'), [('ok',)])
            self.assertEqual(q('PRAGMA foreign_key_check'), [])
            regs = dict(q('SELECT registration_id, citizen_id FROM registrations'))
            self.assertEqual(set(regs), set(self.registrations),
                             'registrations in the database that no answer announced, or missing')
            for rid, cid in self.registrations.items():
                if cid is not None:
                    self.assertEqual(regs[rid], cid)
            self.assertEqual(len(regs), 3)
            self.assertEqual(q("SELECT citizen_id, COUNT(*) FROM registrations "
                               "WHERE status != 'REJECTED' GROUP BY citizen_id "
                               "HAVING COUNT(*) > 1"), [])
            # No enrollment without its registration, and one per handed-off registration.
            self.assertEqual(q('SELECT e.registration_id FROM enrollments e '
                               'LEFT JOIN registrations r USING (registration_id) '
                               'WHERE r.registration_id IS NULL OR r.citizen_id != e.citizen_id'),
                             [])
            self.assertEqual(q('SELECT registration_id FROM registrations r WHERE '
                               '(first_handoff_at IS NULL) != (NOT EXISTS (SELECT 1 FROM '
                               'enrollments e WHERE e.registration_id = r.registration_id))'), [])
            self.assertEqual(q('SELECT COUNT(*) FROM enrollments'), [(3,)])
            # Contracts: each of an enrollment; signed ones complete and in step.
            self.assertEqual(q('SELECT contract_id FROM contracts c LEFT JOIN enrollments e '
                               'USING (registration_id) WHERE e.registration_id IS NULL'), [])
            self.assertEqual(q('SELECT contract_id FROM contracts WHERE '
                               '(signed_at IS NULL) != (signed_pdf IS NULL)'), [])
            signed = q('SELECT c.registration_id, e.state, r.status FROM contracts c '
                       'JOIN enrollments e USING (registration_id) '
                       'JOIN registrations r USING (registration_id) '
                       'WHERE c.signed_at IS NOT NULL')
            self.assertEqual(signed, [(self.signed['registration_id'], 'ACTIVATION_PENDING',
                                       'CONTRACT_SIGNED')])
            contracts = {r for (r,) in q('SELECT registration_id FROM contracts')}
            self.assertLessEqual({self.registration_id, self.signed['registration_id']},
                                 contracts)
            # Codes, tokens, OTPs and idempotent answers point at real rows.
            self.assertEqual(q('SELECT COUNT(*) FROM handoff_codes h LEFT JOIN registrations r '
                               'USING (registration_id) WHERE r.registration_id IS NULL'), [(0,)])
            self.assertEqual(q("SELECT COUNT(*) FROM tokens t WHERE NOT EXISTS (SELECT 1 FROM "
                               "citizens c WHERE c.citizen_id = t.citizen_id) OR (t.service = "
                               "'smartca' AND NOT EXISTS (SELECT 1 FROM registrations r WHERE "
                               "r.registration_id = t.registration_id))"), [(0,)])
            self.assertEqual(q('SELECT COUNT(*) FROM otps o WHERE NOT EXISTS (SELECT 1 FROM '
                               'citizens c WHERE c.citizen_id = o.citizen_id)'), [(0,)])
            for status, body in q('SELECT status, body FROM idempotency'):
                self.assertIn(status, (200, 201, 400, 403, 409))
                json.loads(body)
            created = q('SELECT COUNT(*) FROM idempotency WHERE status = 201')
            self.assertEqual(created, [(3,)])
            # Secrets are stored hashed: no token, code or password in clear.
            dump = '\n'.join(db.iterdump())
            for secret in self.sb.secrets | {PASSWORD}:
                if secret.isdigit():
                    continue   # OTPs: the outbox is the one place they are readable
                self.assertNotIn(secret, dump, 'a secret in clear in the database')
        finally:
            db.close()


class ControlRanges(SandboxTestCase):
    """Out-of-range values for the control endpoints, on a sandbox of their own
    (a clock that took 1e300 s would break every later test)."""

    def test_clock_and_faults_ranges(self):
        for body in ({'failRate': 1.5}, {'failRate': -0.1}, {'latencyMs': -1},
                     {'status': 200}, {'status': 99}, {'status': 1000}, {'latencyMs': 1e300}):
            with self.subTest(body=body):
                r = self.sb.control('POST', 'faults', body=body)
                self.assertControlError(r, (400,))
        self.sb.faults()
        for body in ({'advanceSeconds': -5}, {'advanceSeconds': 1e300},
                     {'advanceSeconds': 2 ** 63}, {'advanceSeconds': float('nan')}):
            with self.subTest(body=body):
                r = self.sb.control('POST', 'clock', data=json.dumps(body).encode())
                self.assertControlError(r, (400,))
        # The clock is still sane: a login works.
        self.sb.login(AN)


if __name__ == '__main__':
    sandbox.main(title='test_bad_input')
