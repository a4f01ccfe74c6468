# SPDX-License-Identifier: GPL-3.0-or-later
"""PROTOCOL.md rev 2, "Time stamps": POST TSA, RFC 3161 over HTTPS. Its
replies are checked with `openssl ts`, its certificate with `openssl x509`;
every refusal is a TimeStampResp of status rejection, never JSON."""

import datetime
import hashlib
import os
import re
import subprocess
import tempfile

import sandbox
from sandbox import SandboxTestCase

SHA256 = '2.16.840.1.101.3.4.2.1'
SHA1 = '1.3.14.3.2.26'
REPLY = 'application/timestamp-reply'


# Requests are written here byte by byte, so that malformed ones can be too.

def tlv(tag, body):
    n = len(body)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, 'big')
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + body


def der_int(value):
    size = max(1, (value.bit_length() + 8) // 8)
    return tlv(0x02, value.to_bytes(size, 'big', signed=True))


def der_oid(dotted):
    arcs = [int(a) for a in dotted.split('.')]
    body = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7f]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7f))
            arc >>= 7
        body += bytes(reversed(chunk))
    return tlv(0x06, bytes(body))


def time_stamp_req(imprint, alg=SHA256, version=1, nonce=None, cert_req=True, params=None):
    algorithm = der_oid(alg) + (params if params is not None else b'')
    body = der_int(version) + tlv(0x30, tlv(0x30, algorithm) + tlv(0x04, imprint))
    if nonce is not None:
        body += der_int(nonce)
    if cert_req:
        body += b'\x01\x01\xff'
    return tlv(0x30, body)


def nonce_of(text):
    """The nonce `openssl ts -reply -text` shows, as a number."""
    m = re.search(r'^Nonce: 0x([0-9A-Fa-f]+)$', text, re.M)
    return int(m.group(1), 16) if m else None


def read(path):
    with open(path, 'rb') as f:
        return f.read()


class TsaCase(SandboxTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(dir=self.sb.tmp)
        self.ca = os.path.join(self.sb.data_dir, 'ca')

    def path(self, name, data=None):
        path = os.path.join(self.tmp, name)
        if data is not None:
            with open(path, 'wb') as f:
                f.write(data)
        return path

    def openssl(self, *args):
        r = subprocess.run(('openssl',) + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        return r.returncode, (r.stdout + r.stderr).decode('utf-8', 'replace')

    def reply_text(self, r):
        code, text = self.openssl('ts', '-reply', '-in', self.path('reply.tsr', r.body), '-text')
        self.assertEqual(code, 0, text)
        return text

    def assertRejected(self, r, status, failure):
        """A TimeStampResp of status rejection with the HTTP @status and the
        PKIFailureInfo openssl names @failure."""
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.content_type, REPLY, r)
        self.assertIsNone(r.json, r)
        text = self.reply_text(r)
        self.assertIn('Status: Rejected.', text)
        self.assertIn('Failure info: ' + failure, text)
        self.assertIn('TST info:\nNot included.', text)
        return text

    def query(self, *options, data=b'the citizen\'s signature value'):
        doc = self.path('doc.bin', data)
        out = self.path('query.tsq')
        code, text = self.openssl('ts', '-query', '-data', doc, '-sha256', '-out', out, *options)
        self.assertEqual(code, 0, text)
        return read(out)


BAD_ALG = 'unrecognized or unsupported algorithm identifier'
BAD_REQUEST = 'transaction not permitted or supported'
BAD_DATA_FORMAT = 'the data submitted has the wrong format'
SYSTEM_FAILURE = 'the request cannot be handled due to system failure'


class Granted(TsaCase):

    def test_openssl_verifies_the_reply(self):
        query = self.query('-cert')
        r = self.sb.tsa(query)
        self.assertEqual((r.status, r.content_type), (200, REPLY), r)
        reply = self.path('reply.tsr', r.body)
        # The TSA's certificate is in the token: the root alone verifies it,
        # the imprint and the nonce against the query.
        code, text = self.openssl('ts', '-verify', '-in', reply, '-queryfile',
                                  self.path('query.tsq'), '-CAfile',
                                  os.path.join(self.ca, 'root.pem'))
        self.assertEqual(code, 0, text)
        self.assertIn('Verification: OK', text)
        # Against the document itself, too.
        code, text = self.openssl('ts', '-verify', '-in', reply, '-data', self.path('doc.bin'),
                                  '-CAfile', os.path.join(self.ca, 'root.pem'))
        self.assertIn('Verification: OK', text)
        # Another document does not verify.
        other = self.path('other.bin', b'another value')
        code, text = self.openssl('ts', '-verify', '-in', reply, '-data', other,
                                  '-CAfile', os.path.join(self.ca, 'root.pem'))
        self.assertNotEqual(code, 0, text)

    def test_tst_info_echoes_imprint_and_nonce_at_sandbox_time(self):
        self.sb.advance(86400)
        data = b'value to stamp'
        nonce = 0xfedcba9876543210
        r = self.sb.tsa(time_stamp_req(hashlib.sha256(data).digest(), nonce=nonce,
                                       cert_req=False))
        self.assertEqual(r.status, 200, r)
        text = self.reply_text(r)
        self.assertIn('Status: Granted.', text)
        self.assertEqual(nonce_of(text), nonce)
        digest = hashlib.sha256(data).hexdigest()
        dump = ''.join(re.findall(r'- ((?:[0-9a-f]{2}[ -]){1,16})', text)).replace('-', ' ')
        self.assertIn(' '.join(digest[i:i + 2] for i in range(0, 64, 2)), dump)
        # genTime: UTC, to the second, on the sandbox's clock.
        m = re.search(r'Time stamp: (\w{3} +\d+ \d\d:\d\d:\d\d \d{4}) GMT', text)
        self.assertIsNotNone(m, text)
        stamped = datetime.datetime.strptime(m.group(1), '%b %d %H:%M:%S %Y').replace(
            tzinfo=datetime.timezone.utc).timestamp()
        self.assertLessEqual(abs(stamped - self.sb.now()), 5)
        self.assertNotRegex(text, r'Time stamp: .*\.\d')
        # No certificate asked for none given: the TSA's file verifies it.
        self.path('data.bin', data)
        code, out = self.openssl('ts', '-verify', '-in', self.path('reply.tsr'), '-data',
                                 self.path('data.bin'), '-CAfile',
                                 os.path.join(self.ca, 'root.pem'))
        self.assertNotEqual(code, 0, out)
        code, out = self.openssl('ts', '-verify', '-in', self.path('reply.tsr'), '-data',
                                 self.path('data.bin'), '-CAfile',
                                 os.path.join(self.ca, 'root.pem'), '-untrusted',
                                 os.path.join(self.ca, 'tsa.pem'))
        self.assertEqual(code, 0, out)

    def test_nonce_range_and_no_nonce(self):
        imprint = hashlib.sha256(b'x').digest()
        for nonce in (0, 1, 2 ** 63, 2 ** 64 - 1):
            r = self.sb.tsa(time_stamp_req(imprint, nonce=nonce))
            self.assertEqual(r.status, 200, (nonce, r))
            self.assertEqual(nonce_of(self.reply_text(r)), nonce)
        r = self.sb.tsa(self.query('-no_nonce', '-cert'))
        self.assertEqual(r.status, 200, r)
        self.assertIn('Nonce: unspecified', self.reply_text(r))
        code, text = self.openssl('ts', '-verify', '-in', self.path('reply.tsr'), '-queryfile',
                                  self.path('query.tsq'), '-CAfile',
                                  os.path.join(self.ca, 'root.pem'))
        self.assertEqual(code, 0, text)

    def test_signed_attributes(self):
        r = self.sb.tsa(self.query('-cert'))
        token = self.path('token.der')
        code, text = self.openssl('ts', '-reply', '-in', self.path('reply.tsr', r.body),
                                  '-token_out', '-out', token)
        self.assertEqual(code, 0, text)
        code, text = self.openssl('cms', '-cmsout', '-print', '-inform', 'DER', '-in', token)
        self.assertEqual(code, 0, text)
        self.assertIn('eContentType: id-smime-ct-TSTInfo', text)
        attributes = re.findall(r'object: (\S+) \(', text)
        self.assertEqual(sorted(set(attributes)),
                         ['contentType', 'id-smime-aa-signingCertificateV2', 'messageDigest'],
                         text)
        self.assertNotIn('signingTime', text)


class Certificate(TsaCase):

    def test_tsa_certificate(self):
        tsa = os.path.join(self.ca, 'tsa.pem')
        code, text = self.openssl('x509', '-in', tsa, '-noout', '-text')
        self.assertEqual(code, 0, text)
        self.assertIn('Subject: C = VN, O = SmartCA Sandbox, CN = SmartCA Sandbox TSA', text)
        self.assertIn('Issuer: C = VN, O = SmartCA Sandbox, CN = SmartCA Sandbox Root CA', text)
        self.assertIn('Public-Key: (2048 bit)', text)
        self.assertRegex(text, r'X509v3 Key Usage: critical\s+Digital Signature\s')
        self.assertRegex(text, r'X509v3 Extended Key Usage: critical\s+Time Stamping\s')
        code, text = self.openssl('verify', '-CAfile', os.path.join(self.ca, 'root.pem'),
                                  '-purpose', 'timestampsign', tsa)
        self.assertEqual(code, 0, text)

    def test_added_to_a_data_directory_without_it(self):
        self.sb.stop()
        for name in ('tsa.pem', 'tsa.key'):
            os.unlink(os.path.join(self.ca, name))
        root = read(os.path.join(self.ca, 'root.pem'))
        self.sb.start()
        self.assertEqual(read(os.path.join(self.ca, 'root.pem')), root)
        self.assertEqual(os.stat(os.path.join(self.ca, 'tsa.key')).st_mode & 0o777, 0o600)
        r = self.sb.tsa(self.query('-cert'))
        self.assertEqual(r.status, 200, r)
        code, text = self.openssl('ts', '-verify', '-in', self.path('reply.tsr', r.body),
                                  '-queryfile', self.path('query.tsq'), '-CAfile',
                                  os.path.join(self.ca, 'root.pem'))
        self.assertEqual(code, 0, text)


class Rejected(TsaCase):

    def test_bad_requests(self):
        imprint = hashlib.sha256(b'x').digest()
        good = time_stamp_req(imprint, nonce=5)
        cases = [
            ('SHA-1', time_stamp_req(hashlib.sha1(b'x').digest(), alg=SHA1), BAD_ALG),
            ('SHA-256 with parameters', time_stamp_req(imprint, params=der_int(1)), BAD_ALG),
            ('version 2', time_stamp_req(imprint, version=2), BAD_REQUEST),
            ('a short imprint', time_stamp_req(imprint[:20]), BAD_DATA_FORMAT),
            ('a negative nonce', time_stamp_req(imprint, nonce=-1), BAD_DATA_FORMAT),
            ('a nonce of 2^64', time_stamp_req(imprint, nonce=2 ** 64), BAD_DATA_FORMAT),
            ('not DER at all', b'not a request', BAD_DATA_FORMAT),
            ('empty', b'', BAD_DATA_FORMAT),
            ('trailing bytes', good + b'\x00', BAD_DATA_FORMAT),
            ('a long-form length', b'\x30\x81' + bytes([len(good) - 2]) + good[2:],
             BAD_DATA_FORMAT),
            ('truncated', good[:-3], BAD_DATA_FORMAT),
        ]
        for label, body, failure in cases:
            with self.subTest(label):
                self.assertRejected(self.sb.tsa(body), 400, failure)
        r = self.sb.tsa(good, content_type='application/json')
        self.assertRejected(r, 400, BAD_REQUEST)
        self.assertEqual(self.sb.tsa(good).status, 200)

    def test_server_refusals_are_time_stamp_replies(self):
        good = time_stamp_req(hashlib.sha256(b'x').digest())
        self.assertRejected(self.sb.tsa(good, path='nothing'), 404, BAD_REQUEST)
        r = self.sb.request('tsa', 'GET', '')
        self.assertRejected(r, 405, BAD_REQUEST)
        r = self.sb.raw_request('tsa', 'POST', '', data=b'\x30' * (1024 * 1024 + 1),
                                headers={'Content-Type': 'application/timestamp-query'})
        self.assertRejected(r, 413, BAD_REQUEST)

    def test_faults_are_time_stamp_replies(self):
        good = time_stamp_req(hashlib.sha256(b'x').digest())
        for status in (503, 500, 429):
            self.sb.faults(failRate=1.0, status=status)
            self.assertRejected(self.sb.tsa(good), status, SYSTEM_FAILURE)
        self.sb.faults()
        self.assertEqual(self.sb.tsa(good).status, 200)


if __name__ == '__main__':
    sandbox.main(title='test_tsa')
