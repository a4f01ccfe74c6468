# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue #3's endpoints against PROTOCOL.md: activation, the certificate,
waiting transactions and SADs, the acceptance record, credentials, the
portal's signing requests and the change of device. Each success and each
error, through real HTTPS to a sandbox process; SADs are made here with
python3-cryptography, as an independent client would make them.

Run through test_protocol.py, whose REQUIRED list names these endpoints too
(their entries are SIGNING_REQUIRED below)."""

import base64
import datetime
import os
import re
import sqlite3
import subprocess
import tempfile
import threading

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtensionOID, NameOID

import sandbox
from sandbox import (AN, BAO, CITIZENS, HUONG, NGOC, NHUNG, Kak, SandboxTestCase, b64, b64url,
                     new_key, sha256_b64)

# What test_protocol.py takes in: the test classes.
__all__ = ['Activation', 'AcceptanceRecord', 'TransactionExpiry', 'CertificateDays',
           'Credentials', 'Portal', 'ChangeOfDevice', 'Concurrency', 'KeysAtRest']

S = 'POST SMARTCA/'
C = 'CONTROL/'

# PROTOCOL.md, steps 5 and 6: every status and code of issue #3's endpoints.
SIGNING_REQUIRED = [
    (S + 'enrollment/activate', 200, None),
    (S + 'enrollment/activate', 400, 30000),
    (S + 'enrollment/activate', 400, 44000),
    (S + 'enrollment/activate', 403, 44002),
    (S + 'enrollment/activate', 400, 44001),
    (S + 'enrollment/activate', 409, 40900),
    (S + 'enrollment/activate', 401, 40100),
    (S + 'enrollment/certificate', 200, None),
    (S + 'enrollment/certificate', 400, 45000),
    (S + 'enrollment/certificate', 400, 45001),
    (S + 'enrollment/certificate', 400, 30000),
    (S + 'enrollment/certificate', 404, 60000),
    (S + 'enrollment/certificate', 403, 60001),
    (S + 'enrollment/certificate', 409, 40900),
    (S + 'enrollment/certificate', 401, 40100),
    (S + 'enrollment/acceptance', 200, None),
    (S + 'enrollment/acceptance', 409, 40900),
    (S + 'enrollment/acceptance', 401, 40100),
    (S + 'enrollment/device/otp', 200, None),
    (S + 'enrollment/device/otp', 429, 42900),
    (S + 'enrollment/device/otp', 409, 40900),
    (S + 'enrollment/device/otp', 401, 40100),
    (S + 'enrollment/device/confirm', 200, None),
    (S + 'enrollment/device/confirm', 400, 45000),
    (S + 'enrollment/device/confirm', 400, 45001),
    (S + 'enrollment/device/confirm', 400, 30000),
    (S + 'enrollment/device/confirm', 404, 60000),
    (S + 'enrollment/device/confirm', 409, 40900),
    (S + 'enrollment/device/confirm', 401, 40100),
    (S + 'ssa/sic/waitingtrans', 200, None),
    (S + 'ssa/sic/waitingtrans', 401, 40100),
    (S + 'ssa/sic/waitingtraninfo', 200, None),
    (S + 'ssa/sic/waitingtraninfo', 400, 30000),
    (S + 'ssa/sic/waitingtraninfo', 404, 62000),
    (S + 'ssa/sic/waitingtraninfo', 403, 62001),
    (S + 'ssa/sic/waitingtraninfo', 401, 40100),
    (S + 'ssa/sic/signconfirm', 200, None),
    (S + 'ssa/sic/signconfirm', 400, 45000),
    (S + 'ssa/sic/signconfirm', 400, 30000),
    (S + 'ssa/sic/signconfirm', 404, 62000),
    (S + 'ssa/sic/signconfirm', 403, 62001),
    (S + 'ssa/sic/signconfirm', 404, 60000),
    (S + 'ssa/sic/signconfirm', 403, 60001),
    (S + 'ssa/sic/signconfirm', 401, 40100),
    (S + 'ssa/sic/signreject', 200, None),
    (S + 'ssa/sic/signreject', 400, 30000),
    (S + 'ssa/sic/signreject', 404, 62000),
    (S + 'ssa/sic/signreject', 401, 40100),
    (S + 'csc/credentials/list', 200, None),
    (S + 'csc/credentials/list', 401, 40100),
    (S + 'csc/credentials/info', 200, None),
    (S + 'csc/credentials/info', 400, 30000),
    (S + 'csc/credentials/info', 404, 60000),
    (S + 'csc/credentials/info', 403, 60001),
    (S + 'csc/credentials/info', 409, 40900),
    (S + 'csc/credentials/info', 401, 40100),
    (S + 'csc/signature/signhash', 200, None),
    (S + 'csc/signature/signhash', 400, 62010),
    (S + 'csc/signature/signhash', 400, 30000),
    (S + 'csc/signature/signhash', 404, 60000),
    (S + 'csc/signature/signhash', 403, 60001),
    (S + 'csc/signature/signhash', 409, 40900),
    (S + 'csc/signature/signhash', 401, 40100),
    (S + 'csc/credentials/gettraninfo', 200, None),
    (S + 'csc/credentials/gettraninfo', 400, 30000),
    (S + 'csc/credentials/gettraninfo', 404, 62000),
    (S + 'csc/credentials/gettraninfo', 403, 62001),
    (S + 'csc/credentials/gettraninfo', 401, 40100),
    ('POST ' + C + 'portal/signhash', 200, None),
    ('POST ' + C + 'portal/signhash', 400, 'invalid_request'),
    ('POST ' + C + 'portal/signhash', 404, 'not_found'),
    ('POST ' + C + 'portal/signhash', 409, 'wrong_state'),
    ('GET ' + C + 'portal/transactions/{id}', 200, None),
    ('GET ' + C + 'portal/transactions/{id}', 404, 'not_found'),
    ('GET ' + C + 'stats', 200, None),
]

WAITING, SUCCESS, EXPIRED, REJECTED = 4000, 1, 4001, 4002
STATUS_DESC = {WAITING: 'WAITING_FOR_SIGNER_CONFIRM', SUCCESS: 'SUCCESS', EXPIRED: 'EXPIRED',
               REJECTED: 'SIGNER_REJECTED'}
UID_OID = x509.ObjectIdentifier('0.9.2342.19200300.100.1.1')


def b64decode(text):
    return base64.b64decode(text.encode('ascii'), validate=True)


def signed_jws(kak, signing_input):
    """@signing_input as it is, signed RS256 by @kak: a JWS whose parts
    need not be what a SAD holds."""
    return signing_input + '.' + b64url(kak.sign(signing_input.encode('ascii')))


def wrong_otp(otp):
    return '%06d' % ((int(otp) + 1) % 1000000)


def byte_range(pdf):
    """The last /ByteRange of a PDF, and the bytes it covers."""
    m = list(re.finditer(rb'/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]', pdf))[-1]
    a, b, c, d = (int(x) for x in m.groups())
    return (a, b, c, d), pdf[a:a + b] + pdf[c:c + d]


def contents_of(pdf):
    """The DER in /Contents (the hex between b and c), without the zero padding.

    The padding is cut at the length the outer DER header gives, not by
    stripping zeros: one signature in 256 ends in a zero byte of its own."""
    (a, b, c, d), _ = byte_range(pdf)
    der = bytes.fromhex(pdf[b + 1:c - 1].decode('ascii'))
    if der[1] < 0x80:
        return der[:2 + der[1]]
    n = der[1] & 0x7f
    return der[:2 + n + int.from_bytes(der[2:2 + n], 'big')]


def snapshot(sb):
    """What issue #3's tables hold, read beside the running sandbox (WAL)."""
    db = sqlite3.connect('file:%s?mode=ro' % os.path.join(sb.data_dir, 'sandbox.db'), uri=True)
    try:
        tables = ('credentials', 'challenges', 'transactions', 'transaction_documents',
                  'enrollments', 'registrations', 'idempotency')
        return {t: sorted(db.execute('SELECT * FROM %s' % t).fetchall(), key=repr)
                for t in tables}
    finally:
        db.close()


class SigningTestCase(SandboxTestCase):
    """Shared checks of issue #3's answers."""

    def assertChanged(self, before, *tables):
        """Only @tables differ from @before."""
        after = snapshot(self.sb)
        for table in before:
            if table not in tables:
                self.assertEqual(after[table], before[table], 'table %s changed' % table)
        return after

    def assertStatus(self, r, tran_id, status):
        content = self.assertEnvelopeOk(r)
        self.assertEqual(content, {'tranId': tran_id, 'tranStatus': status,
                                   'tranStatusDesc': STATUS_DESC[status]}, r)

    def status(self, token):
        return self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=token))

    def waiting(self, token):
        return self.assertEnvelopeOk(self.sb.smartca('ssa/sic/waitingtrans', token=token))

    def info(self, token, tran_id):
        return self.assertEnvelopeOk(self.sb.smartca('ssa/sic/waitingtraninfo',
                                                     {'tranId': tran_id}, token=token))

    def confirm_waiting(self, s, tran_id, kak=None):
        """Confirms @tran_id with the challenge waitingtraninfo shows."""
        challenge = self.info(s['token'], tran_id)['challenge']
        return self.sb.confirm(s['token'], kak or s['kak'], s['credential_id'], tran_id,
                               challenge)

    def openssl(self, *args, data=None):
        return subprocess.run(('openssl',) + args, input=data, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=60)


def vietnam_time(seconds):
    """@seconds since 1970 on Vietnam's clock (UTC+7, no summer time)."""
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone(datetime.timedelta(hours=7)))


# --- Step 5: activation and the certificate ------------------------------------------------

class Activation(SigningTestCase):

    def test_activate(self):
        s = self.sb.to_activation(AN)
        self.assertEqual(self.assertEnvelopeOk(
            self.sb.smartca('csc/credentials/list', token=s['token'])), [])
        kak = Kak()
        r = self.sb.activate(s['token'], kak)
        a = self.assertEnvelopeOk(r)
        self.assertEqual(set(a), {'credentialId', 'challenge', 'challengeExpiresIn', 'state',
                                  'pinShare'})
        self.assertEqual((a['challengeExpiresIn'], a['state']), (300, 'CERTIFICATE_PENDING'))
        self.assertEqual(len(b64decode(a['challenge'])), 32)
        self.assertEqual(len(b64decode(a['pinShare'])), 32)
        status = self.status(s['token'])
        self.assertEqual((status['state'], status['credentialId'], status['acceptanceTranId']),
                         ('CERTIFICATE_PENDING', a['credentialId'], None))
        self.assertEqual(self.assertEnvelopeOk(
            self.sb.smartca('csc/credentials/list', token=s['token'])), [a['credentialId']])
        # No certificate yet.
        r = self.sb.smartca('csc/credentials/info', {'credentialId': a['credentialId']},
                            token=s['token'])
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900), {'state': 'CERTIFICATE_PENDING'})
        r = self.sb.smartca('enrollment/acceptance', token=s['token'])
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900), {'state': 'CERTIFICATE_PENDING'})

    def test_stats(self):
        """CONTROL/stats counts the RSA work (a sandbox extension for the
        benchmark): one key, one certificate, one record signature."""
        def stats():
            r = self.sb.control('GET', 'stats')
            self.assertEqual(r.status, 200, r)
            return r.json

        before = stats()
        self.assertEqual(set(before), {'keyGenerations', 'keyGenerationCpuMs',
                                       'certificateSignatures', 'certificateSignatureCpuMs',
                                       'documentSignatures', 'documentSignatureCpuMs',
                                       'passwordHashes', 'passwordHashCpuMs'})
        self.sb.to_active(AN)
        after = stats()
        for name in ('keyGeneration', 'certificateSignature', 'documentSignature'):
            self.assertEqual(after[name + 's'], before[name + 's'] + 1, name)
            self.assertGreater(after[name + 'CpuMs'], before[name + 'CpuMs'], name)

    def test_activate_idempotency_and_again(self):
        s = self.sb.to_activation(AN)
        kak, key = Kak(), new_key()
        first = self.sb.activate(s['token'], kak, key=key)
        a = self.assertEnvelopeOk(first)
        # The same key: the first answer, and nothing new.
        before = snapshot(self.sb)
        again = self.sb.activate(s['token'], kak, key=key)
        self.assertEqual((again.status, again.body), (200, first.body))
        self.assertChanged(before)
        # A new key in CERTIFICATE_PENDING: the same credential, a new KAK and challenge.
        kak2 = Kak()
        b = self.assertEnvelopeOk(self.sb.activate(s['token'], kak2))
        self.assertEqual((b['credentialId'], b['state']),
                         (a['credentialId'], 'CERTIFICATE_PENDING'))
        self.assertNotEqual(b['challenge'], a['challenge'])
        cid = a['credentialId']
        # The old challenge and the old KAK are void.
        for k, ch in ((kak2, a['challenge']), (kak, b['challenge']), (kak, a['challenge'])):
            r = self.sb.certificate(s['token'], k, cid, ch)
            self.assertEnvelopeError(r, 400, 45000)
        self.assertEnvelopeOk(self.sb.certificate(s['token'], kak2, cid, b['challenge']))

    def test_activate_bad_requests(self):
        s = self.sb.to_activation(AN)
        kak = Kak()
        good = {'kakPublicKey': kak.public_b64, 'device': kak.device(),
                'pinVerifier': kak.pin_verifier_b64}

        def send(body, headers=None):
            return self.sb.smartca('enrollment/activate', body, token=s['token'],
                                   headers={'Idempotency-Key': new_key()}
                                   if headers is None else headers)

        # Authentication first, then the Idempotency-Key and the fields.
        r = self.sb.smartca('enrollment/activate', {}, token='forged-token-' + 'x' * 20,
                            headers={'Idempotency-Key': new_key()})
        self.assertEnvelopeError(r, 401, 40100)
        r = send(good, headers={})
        self.assertEnvelopeError(r, 400, 30000)
        self.assertIn('Idempotency-Key', r.json['message'])
        weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        small_e = rsa.generate_private_key(public_exponent=3, key_size=2048)
        p256 = ec.generate_private_key(ec.SECP256R1())

        def spki(k):
            return b64(k.public_key().public_bytes(serialization.Encoding.DER,
                                                    serialization.PublicFormat
                                                    .SubjectPublicKeyInfo))

        cases = [
            ('kakPublicKey', {'device': kak.device()}),
            ('kakPublicKey', dict(good, kakPublicKey=12)),
            ('kakPublicKey', dict(good, kakPublicKey='not base64!')),
            ('kakPublicKey', dict(good, kakPublicKey=b64(b'not a key'))),
            ('kakPublicKey', dict(good, kakPublicKey=spki(weak))),
            ('kakPublicKey', dict(good, kakPublicKey=spki(small_e))),
            ('kakPublicKey', dict(good, kakPublicKey=spki(p256))),
            ('device', {'kakPublicKey': kak.public_b64}),
            ('device', dict(good, device='laptop')),
            ('deviceId', dict(good, device=dict(kak.device(), deviceId='laptop-1'))),
            ('deviceId', dict(good, device={'name': 'x', 'platform': 'linux-desktop'})),
            ('name', dict(good, device=dict(kak.device(), name=''))),
            ('name', dict(good, device=dict(kak.device(), name=None))),
            ('platform', dict(good, device=dict(kak.device(), platform='windows'))),
            ('otp', dict(good, otp='12345')),
            ('otp', dict(good, otp=123456)),
        ]
        for field, body in cases:
            with self.subTest(field=field, body=repr(body)[:80]):
                r = send(body)
                self.assertEnvelopeError(r, 400, 30000)
                self.assertIn(field, r.json['message'], r)
        self.assertEqual(self.status(s['token'])['state'], 'ACTIVATION_PENDING')
        self.assertEqual(snapshot(self.sb)['credentials'], [])
        # Unknown fields are ignored; an OTP is not needed before the certificate.
        r = send(dict(good, otp='123456', note={'a': 1}))
        self.assertEqual(self.assertEnvelopeOk(r)['state'], 'CERTIFICATE_PENDING')

    def test_activate_wrong_state(self):
        s = self.sb.to_contract(AN)
        r = self.sb.activate(s['token'], Kak())
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900), {'state': 'CONTRACT_PENDING'})
        r = self.sb.smartca('enrollment/certificate', {'credentialId': new_key(), 'sad': 'x.y.z'},
                            token=s['token'])
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900), {'state': 'CONTRACT_PENDING'})
        # Order of checks: syntax (400) before state (409).
        r = self.sb.smartca('enrollment/certificate', {'credentialId': new_key()},
                            token=s['token'])
        self.assertEnvelopeError(r, 400, 30000)
        r = self.sb.smartca('enrollment/certificate', {'credentialId': new_key(), 'sad': 'x'})
        self.assertEnvelopeError(r, 401, 40100)

    def test_certificate(self):
        s = self.sb.to_acceptance(HUONG)
        cert_content = s['certificate']
        self.assertEqual(set(cert_content), {'certificate', 'chain', 'state', 'tranId'})
        self.assertEqual(cert_content['state'], 'ACCEPTANCE_PENDING')
        der = b64decode(cert_content['certificate'])
        cert = x509.load_der_x509_certificate(der)
        rs = x509.load_der_x509_certificate(b64decode(cert_content['chain'][0]))
        root = x509.load_der_x509_certificate(b64decode(cert_content['chain'][1]))
        self.assertEqual(len(cert_content['chain']), 2)
        with open(self.sb.info['trust_anchor'], 'rb') as f:
            self.assertEqual(root, x509.load_pem_x509_certificate(f.read()))
        citizen = CITIZENS[HUONG]

        # The profile of PROTOCOL.md, field by field.
        self.assertEqual(cert.version, x509.Version.v3)
        serial = cert.serial_number.to_bytes(16, 'big')
        self.assertTrue(0 < serial[0] < 0x80, serial.hex())
        subject = list(cert.subject)
        self.assertEqual([a.oid for a in subject],
                         [NameOID.COUNTRY_NAME, NameOID.STATE_OR_PROVINCE_NAME,
                          NameOID.LOCALITY_NAME, NameOID.COMMON_NAME, UID_OID])
        self.assertEqual([a.value for a in subject],
                         ['VN', citizen['place_of_residence']['province'],
                          citizen['place_of_residence']['ward'], citizen['full_name'],
                          'CCCD:' + HUONG])
        for attr in subject[1:4]:
            self.assertEqual(attr._type, x509.name._ASN1Type.UTF8String, attr)
        self.assertEqual(cert.issuer, rs.subject)
        self.assertEqual(rs.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value,
                         'SmartCA Sandbox RS')
        bc = cert.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS)
        self.assertTrue(bc.critical)
        self.assertFalse(bc.value.ca)
        ku = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE)
        self.assertTrue(ku.critical)
        self.assertTrue(ku.value.digital_signature and ku.value.content_commitment)
        self.assertFalse(ku.value.key_cert_sign or ku.value.crl_sign or
                         ku.value.key_encipherment or ku.value.data_encipherment)
        ski = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_KEY_IDENTIFIER)
        self.assertEqual(ski.value.digest,
                         x509.SubjectKeyIdentifier.from_public_key(cert.public_key()).digest)
        aki = cert.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_KEY_IDENTIFIER)
        self.assertEqual(aki.value.key_identifier, rs.extensions.get_extension_for_oid(
            ExtensionOID.SUBJECT_KEY_IDENTIFIER).value.digest)
        self.assertEqual(len(cert.extensions), 4)
        self.assertEqual(cert.signature_hash_algorithm.name, 'sha256')
        key = cert.public_key()
        self.assertEqual((key.key_size, key.public_numbers().e), (2048, 65537))
        # Not the KAK: the service made the signing key.
        self.assertNotEqual(key.public_numbers().n, s['kak'].key.public_key().public_numbers().n)
        self.assertEqual(cert.not_valid_after - cert.not_valid_before, datetime.timedelta(days=365))

        # openssl verifies the chain to the sandbox root.
        with tempfile.TemporaryDirectory() as tmp:
            for name, c in (('cert.pem', cert), ('rs.pem', rs)):
                with open(os.path.join(tmp, name), 'wb') as f:
                    f.write(c.public_bytes(serialization.Encoding.PEM))
            r = self.openssl('verify', '-CAfile', self.sb.info['trust_anchor'], '-untrusted',
                             os.path.join(tmp, 'rs.pem'), os.path.join(tmp, 'cert.pem'))
            self.assertEqual(r.returncode, 0, r.stderr)

        # Everything names it; VNeID shows it only once ACTIVE.
        status = self.status(s['token'])
        self.assertEqual((status['state'], status['acceptanceTranId']),
                         ('ACCEPTANCE_PENDING', cert_content['tranId']))
        r = self.sb.registration(s['vneid_token'], s['registration_id'])
        self.assertEqual((r.json['status'], r.json['certificate']), ('CONTRACT_SIGNED', None))
        info = self.assertEnvelopeOk(self.sb.smartca(
            'csc/credentials/info', {'credentialId': s['credential_id'], 'certificates': 'chain',
                                     'certInfo': True, 'authInfo': True}, token=s['token']))
        self.assertEqual(info['cert']['serialNumber'], '%032X' % cert.serial_number)
        self.assertEqual(info['cert']['certificates'],
                         [cert_content['certificate']] + cert_content['chain'])

    def test_certificate_bad_sads_change_nothing(self):
        s = self.sb.to_activation(NGOC)
        kak = Kak()
        a = self.assertEnvelopeOk(self.sb.activate(s['token'], kak))
        cid, ch = a['credentialId'], a['challenge']
        now = self.sb.now()
        other = Kak(device_id=kak.device_id)
        bad = {
            'forged (another key)': other.sad(cid, 'activation', ch, now=now),
            'another transaction': kak.sad(cid, new_key(), ch, now=now),
            'the device txn': kak.sad(cid, 'device', ch, now=now),
            'another challenge': kak.sad(cid, 'activation', b64(os.urandom(32)), now=now),
            'another credential': kak.sad(new_key(), 'activation', ch, now=now),
            'another device': kak.sad(cid, 'activation', ch, now=now, iss=new_key()),
            'another audience': kak.sad(cid, 'activation', ch, now=now, aud='vneid'),
            'expired': kak.sad(cid, 'activation', ch, now=now - 400),
            'from the future': kak.sad(cid, 'activation', ch, now=now + 120),
            'living too long': kak.sad(cid, 'activation', ch, now=now, lifetime=301),
            'living not at all': kak.sad(cid, 'activation', ch, now=now, lifetime=0),
            'HS256': kak.sad(cid, 'activation', ch, now=now, header={'alg': 'HS256'}),
            'alg none': kak.sad(cid, 'activation', ch, now=now,
                                header={'alg': 'none'}).rsplit('.', 1)[0] + '.',
            'not a JWS': 'abc',
            'four parts': kak.sad(cid, 'activation', ch, now=now) + '.x',
            'challenge as a number': kak.sad(cid, 'activation', 5, now=now),
            'iat as text': kak.sad(cid, 'activation', ch, now=now, iat=str(now)),
            # Found by tests/fuzz/fuzz-sad.c: signed by the KAK, but with no
            # claims at all, or no header; the sandbox handed the JSON
            # parser a null pointer for either.
            'empty claims, signed': signed_jws(kak, b64url(b'{"alg":"RS256","typ":"JWT"}') + '.'),
            'empty header, signed': signed_jws(kak, '.' + b64url(b'{"aud":"smartca"}')),
        }
        before = snapshot(self.sb)
        for why, sad in bad.items():
            with self.subTest(why=why):
                r = self.sb.smartca('enrollment/certificate', {'credentialId': cid, 'sad': sad},
                                    token=s['token'])
                self.assertEnvelopeError(r, 400, 45000)
        self.assertChanged(before)
        self.assertEqual(self.status(s['token'])['state'], 'CERTIFICATE_PENDING')
        # The challenge expires after 300 s: the right SAD is then 45001.
        self.sb.advance(301)
        r = self.sb.certificate(s['token'], kak, cid, ch)
        self.assertEnvelopeError(r, 400, 45001)
        self.assertChanged(before)
        # A new activation gives a new challenge, which works.
        b = self.assertEnvelopeOk(self.sb.activate(s['token'], kak))
        self.assertEnvelopeOk(self.sb.certificate(s['token'], kak, cid, b['challenge']))
        # Replayed, the SAD finds the certificate issued.
        r = self.sb.certificate(s['token'], kak, cid, b['challenge'])
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900), {'state': 'ACCEPTANCE_PENDING'})

    def test_certificate_lookups(self):
        s = self.sb.to_activation(AN)
        n = self.sb.to_activation(NHUNG)
        kak = Kak()
        a = self.assertEnvelopeOk(self.sb.activate(s['token'], kak))
        other = self.assertEnvelopeOk(self.sb.activate(n['token'], Kak()))
        r = self.sb.certificate(s['token'], kak, new_key(), a['challenge'])
        self.assertEnvelopeError(r, 404, 60000)
        r = self.sb.certificate(s['token'], kak, other['credentialId'], a['challenge'])
        self.assertEnvelopeError(r, 403, 60001)
        for body in ({'sad': 'x'}, {'credentialId': 1, 'sad': 'x'},
                     {'credentialId': a['credentialId'], 'sad': None}):
            r = self.sb.smartca('enrollment/certificate', body, token=s['token'])
            self.assertEnvelopeError(r, 400, 30000)
        self.assertEnvelopeOk(self.sb.certificate(s['token'], kak, a['credentialId'],
                                                  a['challenge']))


# --- Waiting transactions and the acceptance record -----------------------------------------

class AcceptanceRecord(SigningTestCase):

    def test_waiting_transaction(self):
        s = self.sb.to_acceptance(AN)
        listed = self.waiting(s['token'])
        self.assertEqual(len(listed), 1)
        t = listed[0]
        self.assertEqual(set(t), {'tranId', 'refTranId', 'tranType', 'tranTypeDesc',
                                  'description', 'credentialId', 'documents', 'challenge',
                                  'expiresAt', 'reqTime'})
        self.assertEqual((t['tranId'], t['tranType'], t['tranTypeDesc'], t['credentialId']),
                         (s['tran_id'], 3, 'SIGNHASH', s['credential_id']))
        self.assertIsInstance(t['description'], str)
        self.assertEqual(len(b64decode(t['challenge'])), 32)
        self.assertRfc3339(t['expiresAt'])
        self.assertRfc3339(t['reqTime'])
        parse = lambda v: datetime.datetime.strptime(v, '%Y-%m-%dT%H:%M:%SZ')  # noqa: E731
        self.assertEqual(parse(t['expiresAt']) - parse(t['reqTime']),
                         datetime.timedelta(seconds=300))
        self.assertEqual(len(t['documents']), 1)
        doc = t['documents'][0]
        self.assertEqual(set(doc), {'name', 'type', 'size', 'hash'})
        self.assertEqual((doc['name'], doc['type']), ('bien-ban-nghiem-thu-%s.pdf' % AN, 'pdf'))

        info = self.info(s['token'], s['tran_id'])
        self.assertEqual({k: v for k, v in info.items() if k != 'documents'},
                         {k: v for k, v in t.items() if k != 'documents'})
        pdf = b64decode(info['documents'][0]['dataBase64'])
        self.assertEqual(info['documents'][0]['size'], len(pdf))
        self.assertEqual(doc['size'], len(pdf))
        # Prepared for its signature: the hash is of the bytes /ByteRange covers.
        (a, b, c, d), covered = byte_range(pdf)
        self.assertEqual((a, c + d), (0, len(pdf)))
        self.assertEqual(doc['hash'], sha256_b64(covered))
        self.assertEqual(set(pdf[b + 1:c - 1]), {ord('0')})
        self.assertIn(b'/SubFilter /ETSI.CAdES.detached', pdf)
        # It names the citizen, the certificate's serial and the date.
        cert = x509.load_der_x509_certificate(b64decode(s['certificate']['certificate']))
        text = sandbox.pdf_text(pdf)
        self.assertTrue(any(CITIZENS[AN]['full_name'] in line for line in text.splitlines()),
                        text)
        self.assertIn(AN, text)
        self.assertIn('%032X' % cert.serial_number, text)
        self.assertIn(vietnam_time(self.sb.now()).strftime('ngày %d tháng %m năm %Y'), text)
        self.assertIn('biên bản nghiệm thu', text.lower())

    def test_dates_in_vietnam_time(self):
        """Every date the contract and the acceptance record carry is Vietnam
        time, at instants either side of midnight there (17:00 UTC) and in the
        last minute of the UTC day, reached on the sandbox's clock."""
        tomorrow = datetime.datetime.fromtimestamp(self.sb.now(), datetime.timezone.utc).date() \
            + datetime.timedelta(days=1)
        instants = ((16, 59, AN), (17, 1, NGOC), (23, 59, NHUNG))
        for hour, minute, citizen in instants:
            with self.subTest(utc='%02d:%02d' % (hour, minute)):
                instant = datetime.datetime.combine(tomorrow, datetime.time(hour, minute),
                                                    datetime.timezone.utc).timestamp()
                self.sb.advance(instant - self.sb.now())
                s = self.sb.to_contract(citizen)
                c = s['contract']
                otp = self.sb.contract_otp(s['token'], c['contractId'], citizen)
                signed = self.assertEnvelopeOk(self.sb.sign(s['token'], c['contractId'], otp,
                                                            c['hash']))
                kak = Kak()
                a = self.assertEnvelopeOk(self.sb.activate(s['token'], kak))
                issued = self.assertEnvelopeOk(self.sb.certificate(s['token'], kak,
                                                                   a['credentialId'],
                                                                   a['challenge']))
                now = vietnam_time(self.sb.now())
                # Still within the minute asked for: the dates below are that minute's.
                self.assertEqual((now.hour, now.minute), ((hour + 7) % 24, minute))

                contract = sandbox.pdf_text(b64decode(c['dataBase64']))
                self.assertIn(now.strftime('Hôm nay, ngày %d tháng %m năm %Y'),
                              ' '.join(contract.split()))
                accepted = sandbox.pdf_text(b64decode(signed['signedDocument']['dataBase64']))
                self.assertRegex(' '.join(accepted.split()),
                                 now.strftime(r'%H:%M:\d\d ngày %d/%m/%Y \(giờ Việt Nam\)'))

                info = self.info(s['token'], issued['tranId'])
                record = ' '.join(sandbox.pdf_text(
                    b64decode(info['documents'][0]['dataBase64'])).split())
                self.assertIn(now.strftime('Hôm nay, ngày %d tháng %m năm %Y'), record)
                cert = x509.load_der_x509_certificate(b64decode(issued['certificate']))
                valid = 'từ %s đến %s (giờ Việt Nam)' % tuple(
                    vietnam_time(t.replace(tzinfo=datetime.timezone.utc).timestamp())
                    .strftime('%H:%M ngày %d/%m/%Y')
                    for t in (cert.not_valid_before, cert.not_valid_after))
                self.assertIn(valid, record)

    def test_confirm_acceptance(self):
        s = self.sb.to_acceptance(NGOC)
        info = self.info(s['token'], s['tran_id'])
        prepared = b64decode(info['documents'][0]['dataBase64'])
        r = self.sb.confirm(s['token'], s['kak'], s['credential_id'], s['tran_id'],
                            info['challenge'])
        self.assertStatus(r, s['tran_id'], SUCCESS)
        status = self.status(s['token'])
        self.assertEqual((status['state'], status['acceptanceTranId']), ('ACTIVE', s['tran_id']))
        self.assertEqual(self.waiting(s['token']), [])

        r = self.sb.smartca('enrollment/acceptance', token=s['token'])
        content = self.assertEnvelopeOk(r)
        self.assertEqual(content['state'], 'ACTIVE')
        self.assertEqual(content['signedDocument']['name'], 'bien-ban-nghiem-thu-%s.pdf' % NGOC)
        signed = b64decode(content['signedDocument']['dataBase64'])
        # The prepared PDF with the placeholder filled: same length, same bytes elsewhere.
        (a, b, c, d), covered = byte_range(signed)
        self.assertEqual(len(signed), len(prepared))
        self.assertEqual(signed[:b] + signed[c:], prepared[:b] + prepared[c:])
        self.assertEqual(sha256_b64(covered), info['documents'][0]['hash'])
        cms = contents_of(signed)
        with tempfile.TemporaryDirectory() as tmp:
            paths = {n: os.path.join(tmp, n) for n in ('cms.der', 'covered.bin')}
            for n, data in (('cms.der', cms), ('covered.bin', covered)):
                with open(paths[n], 'wb') as f:
                    f.write(data)
            r = self.openssl('cms', '-verify', '-binary', '-inform', 'DER', '-in', paths['cms.der'],
                             '-content', paths['covered.bin'], '-CAfile',
                             self.sb.info['trust_anchor'], '-purpose', 'any', '-out', os.devnull)
            self.assertEqual(r.returncode, 0, r.stderr)
            printed = self.openssl('cms', '-cmsout', '-print', '-inform', 'DER', '-in',
                                   paths['cms.der']).stdout.decode()
        self.assertIn('id-smime-aa-signingCertificateV2', printed)
        self.assertNotIn('signingTime', printed)
        # The same record again, and VNeID shows the certificate.
        again = self.assertEnvelopeOk(self.sb.smartca('enrollment/acceptance', token=s['token']))
        self.assertEqual(again, content)
        cert = x509.load_der_x509_certificate(b64decode(s['certificate']['certificate']))
        r = self.sb.registration(s['vneid_token'], s['registration_id'])
        self.assertEqual(r.json['status'], 'ACTIVE', r)
        shown = r.json['certificate']
        self.assertEqual(set(shown), {'serial_number', 'subject_dn', 'valid_from', 'valid_to',
                                      'status'})
        self.assertEqual((shown['serial_number'], shown['status']),
                         ('%032X' % cert.serial_number, 'VALID'))
        self.assertEqual(shown['subject_dn'], cert.subject.rfc4514_string())
        self.assertEqual(shown['valid_from'], cert.not_valid_before.strftime('%Y-%m-%dT%H:%M:%SZ'))
        self.assertEqual(shown['valid_to'], cert.not_valid_after.strftime('%Y-%m-%dT%H:%M:%SZ'))
        # gettraninfo tells the same, with the CMS as the document's signature.
        g = self.assertEnvelopeOk(self.sb.smartca('csc/credentials/gettraninfo',
                                                  {'tranId': s['tran_id']}, token=s['token']))
        self.assertEqual((g['tranStatus'], g['documents'][0]['sig']), (SUCCESS, b64(cms)))

    def test_bad_sads_change_nothing(self):
        s = self.sb.to_acceptance(AN)
        n = self.sb.to_acceptance(NHUNG)
        t = self.info(s['token'], s['tran_id'])
        cid, tid, ch = s['credential_id'], s['tran_id'], t['challenge']
        kak, now = s['kak'], self.sb.now()
        bad = {
            'forged': Kak(device_id=kak.device_id).sad(cid, tid, ch, now=now),
            'for another transaction': kak.sad(cid, n['tran_id'], ch, now=now),
            'for activation': kak.sad(cid, 'activation', ch, now=now),
            'another challenge': kak.sad(cid, tid, b64(os.urandom(32)), now=now),
            'expired SAD': kak.sad(cid, tid, ch, now=now - 500),
            "another citizen's KAK": n['kak'].sad(cid, tid, ch, now=now),
        }
        before = snapshot(self.sb)
        for why, sad in bad.items():
            with self.subTest(why=why):
                r = self.sb.confirm(s['token'], kak, cid, tid, ch, sad=sad)
                self.assertEnvelopeError(r, 400, 45000)
        self.assertChanged(before)
        self.assertEqual(self.waiting(s['token'])[0]['tranId'], tid)
        # The right one, then the same SAD again: replayed, it is refused.
        good = kak.sad(cid, tid, ch, now=now)
        self.assertStatus(self.sb.confirm(s['token'], kak, cid, tid, ch, sad=good), tid, SUCCESS)
        before = snapshot(self.sb)
        r = self.sb.confirm(s['token'], kak, cid, tid, ch, sad=good)
        self.assertEnvelopeError(r, 400, 45000)
        self.assertChanged(before)
        # Nhung's record still waits for her.
        self.assertEqual([x['tranId'] for x in self.waiting(n['token'])], [n['tran_id']])

    def test_lookups(self):
        s = self.sb.to_acceptance(AN)
        n = self.sb.to_acceptance(NHUNG)
        ch = self.info(s['token'], s['tran_id'])['challenge']
        for path in ('ssa/sic/waitingtraninfo', 'ssa/sic/signreject'):
            with self.subTest(path=path):
                r = self.sb.smartca(path, {'tranId': new_key()}, token=s['token'])
                self.assertEnvelopeError(r, 404, 62000)
                r = self.sb.smartca(path, {'tranId': n['tran_id']}, token=s['token'])
                self.assertEnvelopeError(r, 403, 62001)
                for body in ({}, {'tranId': 7}):
                    self.assertEnvelopeError(self.sb.smartca(path, body, token=s['token']),
                                             400, 30000)
        r = self.sb.confirm(s['token'], s['kak'], s['credential_id'], new_key(), ch)
        self.assertEnvelopeError(r, 404, 62000)
        r = self.sb.confirm(s['token'], s['kak'], s['credential_id'], n['tran_id'], ch)
        self.assertEnvelopeError(r, 403, 62001)
        r = self.sb.confirm(s['token'], s['kak'], new_key(), s['tran_id'], ch)
        self.assertEnvelopeError(r, 404, 60000)
        r = self.sb.confirm(s['token'], s['kak'], n['credential_id'], s['tran_id'], ch)
        self.assertEnvelopeError(r, 403, 60001)
        for field in ('tranId', 'credentialId', 'sad'):
            body = {'tranId': s['tran_id'], 'credentialId': s['credential_id'], 'sad': 'x'}
            del body[field]
            r = self.sb.smartca('ssa/sic/signconfirm', body, token=s['token'])
            self.assertEnvelopeError(r, 400, 30000)
            self.assertIn(field, r.json['message'])
        for path in ('ssa/sic/waitingtrans', 'ssa/sic/waitingtraninfo', 'ssa/sic/signconfirm',
                     'ssa/sic/signreject', 'enrollment/acceptance'):
            r = self.sb.smartca(path, {'tranId': s['tran_id']})
            self.assertEnvelopeError(r, 401, 40100)
        # None of it touched the record.
        self.assertStatus(self.sb.confirm(s['token'], s['kak'], s['credential_id'],
                                          s['tran_id'], ch), s['tran_id'], SUCCESS)

    def test_rejected_record_is_replaced(self):
        s = self.sb.to_acceptance(AN)
        old = s['tran_id']
        old_challenge = self.info(s['token'], old)['challenge']
        r = self.sb.smartca('ssa/sic/signreject', {'tranId': old}, token=s['token'])
        self.assertStatus(r, old, REJECTED)
        status = self.status(s['token'])
        self.assertEqual(status['state'], 'ACCEPTANCE_PENDING')
        new = status['acceptanceTranId']
        self.assertNotEqual(new, old)
        listed = self.waiting(s['token'])
        self.assertEqual([t['tranId'] for t in listed], [new])
        self.assertNotEqual(listed[0]['challenge'], old_challenge)
        # The rejected one stays rejected, whatever is sent to it.
        r = self.sb.confirm(s['token'], s['kak'], s['credential_id'], old, old_challenge)
        self.assertStatus(r, old, REJECTED)
        r = self.sb.smartca('ssa/sic/signreject', {'tranId': old}, token=s['token'])
        self.assertStatus(r, old, REJECTED)
        self.assertEqual(self.status(s['token'])['acceptanceTranId'], new)
        # The new record is signed as the first would have been.
        self.assertStatus(self.confirm_waiting(s, new), new, SUCCESS)
        self.assertEqual(self.status(s['token'])['state'], 'ACTIVE')
        self.assertEnvelopeOk(self.sb.smartca('enrollment/acceptance', token=s['token']))

    def test_expired_record_is_replaced(self):
        s = self.sb.to_acceptance(BAO)
        old = s['tran_id']
        ch = self.info(s['token'], old)['challenge']
        self.sb.advance(301)
        # Confirmed too late: EXPIRED, and a new record waits.
        r = self.sb.confirm(s['token'], s['kak'], s['credential_id'], old, ch)
        self.assertStatus(r, old, EXPIRED)
        new = self.status(s['token'])['acceptanceTranId']
        self.assertNotEqual(new, old)
        self.assertEqual([t['tranId'] for t in self.waiting(s['token'])], [new])
        g = self.assertEnvelopeOk(self.sb.smartca('csc/credentials/gettraninfo',
                                                  {'tranId': old}, token=s['token']))
        self.assertEqual((g['tranStatus'], g['tranStatusDesc']), (EXPIRED, 'EXPIRED'))
        self.assertStatus(self.confirm_waiting(s, new), new, SUCCESS)
        self.assertEqual(self.status(s['token'])['state'], 'ACTIVE')

    def test_expired_record_is_replaced_when_listed(self):
        s = self.sb.to_acceptance(AN)
        self.sb.advance(400)
        listed = self.waiting(s['token'])
        self.assertEqual(len(listed), 1)
        self.assertNotEqual(listed[0]['tranId'], s['tran_id'])
        self.assertEqual(self.status(s['token'])['acceptanceTranId'], listed[0]['tranId'])


class TransactionExpiry(SigningTestCase):
    sandbox_args = ('--transaction-expiry-s', '30')

    def test_configured_expiry(self):
        s = self.sb.to_acceptance(AN)
        t = self.waiting(s['token'])[0]
        parse = lambda v: datetime.datetime.strptime(v, '%Y-%m-%dT%H:%M:%SZ')  # noqa: E731
        self.assertEqual(parse(t['expiresAt']) - parse(t['reqTime']),
                         datetime.timedelta(seconds=30))
        self.sb.advance(31)
        r = self.confirm_waiting(s, s['tran_id'])
        self.assertStatus(r, s['tran_id'], EXPIRED)


class CertificateDays(SigningTestCase):
    sandbox_args = ('--certificate-days', '30')

    def test_configured_validity(self):
        s = self.sb.to_acceptance(AN)
        cert = x509.load_der_x509_certificate(b64decode(s['certificate']['certificate']))
        self.assertEqual(cert.not_valid_after - cert.not_valid_before, datetime.timedelta(days=30))


# --- Credentials and the portal -------------------------------------------------------------

class Credentials(SigningTestCase):

    def test_info(self):
        s = self.sb.to_active(AN)
        n = self.sb.to_acceptance(NHUNG)
        body = {'credentialId': s['credential_id'], 'certificates': 'chain', 'certInfo': True,
                'authInfo': True}
        info = self.assertEnvelopeOk(self.sb.smartca('csc/credentials/info', body,
                                                     token=s['token']))
        self.assertEqual(set(info), {'key', 'cert', 'authMode', 'scal', 'multisign', 'status'})
        self.assertEqual(info['key'], {'status': 'ENABLED', 'alg': ['1.2.840.113549.1.1.1'],
                                       'len': 2048})
        self.assertEqual((info['authMode'], info['scal'], info['multisign'], info['status']),
                         ('oauth2code', 'SCAL2', 1, 'VALID'))
        cert = info['cert']
        self.assertEqual(set(cert), {'status', 'serialNumber', 'subjectDN', 'issuerDN',
                                     'certificates', 'validFrom', 'validTo'})
        parsed = x509.load_der_x509_certificate(b64decode(cert['certificates'][0]))
        self.assertEqual(cert['status'], 'VALID')
        self.assertRegex(cert['serialNumber'], r'^[0-9A-F]{32}$')
        self.assertEqual(cert['serialNumber'], '%032X' % parsed.serial_number)
        self.assertEqual(cert['subjectDN'], parsed.subject.rfc4514_string())
        self.assertEqual(cert['issuerDN'], parsed.issuer.rfc4514_string())
        self.assertEqual(cert['validFrom'], parsed.not_valid_before.strftime('%Y%m%d%H%M%SZ'))
        self.assertEqual(cert['validTo'], parsed.not_valid_after.strftime('%Y%m%d%H%M%SZ'))
        self.assertEqual(len(cert['certificates']), 3)
        for kind, n_certs in (('single', 1), ('none', 0)):
            body['certificates'] = kind
            i = self.assertEnvelopeOk(self.sb.smartca('csc/credentials/info', body,
                                                      token=s['token']))
            self.assertEqual(len(i['cert']['certificates']), n_certs)
        i = self.assertEnvelopeOk(self.sb.smartca('csc/credentials/info',
                                                  {'credentialId': s['credential_id']},
                                                  token=s['token']))
        self.assertEqual(i['cert']['certificates'], cert['certificates'][:1])
        # Errors.
        for bad in ({}, {'credentialId': 5}, dict(body, certificates='all'),
                    dict(body, certInfo='yes'), dict(body, authInfo=1)):
            r = self.sb.smartca('csc/credentials/info', bad, token=s['token'])
            self.assertEnvelopeError(r, 400, 30000)
        r = self.sb.smartca('csc/credentials/info', {'credentialId': new_key()}, token=s['token'])
        self.assertEnvelopeError(r, 404, 60000)
        r = self.sb.smartca('csc/credentials/info', {'credentialId': n['credential_id']},
                            token=s['token'])
        self.assertEnvelopeError(r, 403, 60001)
        for path in ('csc/credentials/info', 'csc/credentials/list'):
            self.assertEnvelopeError(self.sb.smartca(path, {}), 401, 40100)
        self.assertEqual(self.assertEnvelopeOk(
            self.sb.smartca('csc/credentials/list', token=n['token'])), [n['credential_id']])


class Portal(SigningTestCase):

    def documents(self, n):
        return [('Hồ sơ số %d của dịch vụ công' % i).encode('utf-8') for i in range(n)]

    def verify_with_openssl(self, cert_b64, document, sig_b64):
        cert = x509.load_der_x509_certificate(b64decode(cert_b64))
        with tempfile.TemporaryDirectory() as tmp:
            files = {'pub.pem': cert.public_key().public_bytes(
                         serialization.Encoding.PEM,
                         serialization.PublicFormat.SubjectPublicKeyInfo),
                     'doc.bin': document, 'sig.bin': b64decode(sig_b64)}
            for name, data in files.items():
                with open(os.path.join(tmp, name), 'wb') as f:
                    f.write(data)
            r = self.openssl('dgst', '-sha256', '-verify', os.path.join(tmp, 'pub.pem'),
                             '-signature', os.path.join(tmp, 'sig.bin'),
                             os.path.join(tmp, 'doc.bin'))
            return r.returncode == 0 and b'Verified OK' in r.stdout

    def test_approved(self):
        s = self.sb.to_active(AN)
        docs = self.documents(3)
        hashes = [sha256_b64(d) for d in docs]
        tid = self.sb.portal_signhash(AN, hashes)
        sandbox.EXERCISED.add(('POST CONTROL/portal/signhash', 200, None))
        listed = self.waiting(s['token'])
        self.assertEqual([t['tranId'] for t in listed], [tid])
        t = listed[0]
        self.assertEqual([(d['name'], d['type'], d['size'], d['hash']) for d in t['documents']],
                         [('ho-so-%d.pdf' % i, 'hash', 32, h) for i, h in enumerate(hashes)])
        info = self.info(s['token'], tid)
        self.assertEqual([d['dataBase64'] for d in info['documents']], [None] * 3)
        r = self.sb.control('GET', 'portal/transactions/{id}', params={'id': tid})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json['tranId'], r.json['tranStatus'], r.json['tranStatusDesc']),
                         (tid, WAITING, 'WAITING_FOR_SIGNER_CONFIRM'))
        self.assertEqual([d['sig'] for d in r.json['documents']], [None] * 3)
        self.assertStatus(self.confirm_waiting(s, tid), tid, SUCCESS)
        g = self.sb.control('GET', 'portal/transactions/{id}', params={'id': tid}).json
        self.assertEqual(set(g), {'tranId', 'refTranId', 'tranStatus', 'tranStatusDesc',
                                  'documents'})
        self.assertEqual((g['tranStatus'], g['tranStatusDesc']), (SUCCESS, 'SUCCESS'))
        cert = s['certificate']['certificate']
        for doc, item, h in zip(docs, g['documents'], hashes):
            self.assertEqual(set(item), {'name', 'hash', 'sig'})
            self.assertEqual(item['hash'], h)
            self.assertTrue(self.verify_with_openssl(cert, doc, item['sig']), item)
            self.assertFalse(self.verify_with_openssl(cert, doc + b'!', item['sig']))
        # The citizen's own view says the same.
        mine = self.assertEnvelopeOk(self.sb.smartca('csc/credentials/gettraninfo',
                                                     {'tranId': tid}, token=s['token']))
        self.assertEqual(mine, g)
        self.assertEqual(self.waiting(s['token']), [])

    def test_rejected(self):
        s = self.sb.to_active(NGOC)
        tid = self.sb.portal_signhash(NGOC, [sha256_b64(b'x')])
        r = self.sb.smartca('ssa/sic/signreject', {'tranId': tid}, token=s['token'])
        self.assertStatus(r, tid, REJECTED)
        g = self.sb.control('GET', 'portal/transactions/{id}', params={'id': tid}).json
        self.assertEqual((g['tranStatus'], g['tranStatusDesc'], g['documents'][0]['sig']),
                         (REJECTED, 'SIGNER_REJECTED', None))
        self.assertStatus(self.confirm_waiting(s, tid), tid, REJECTED)
        self.assertEqual(self.waiting(s['token']), [])

    def test_left_to_expire(self):
        s = self.sb.to_active(NHUNG)
        tid = self.sb.portal_signhash(NHUNG, [sha256_b64(b'x')])
        ch = self.info(s['token'], tid)['challenge']
        self.sb.advance(299)
        self.assertEqual([t['tranId'] for t in self.waiting(s['token'])], [tid])
        self.sb.advance(2)
        self.assertEqual(self.waiting(s['token']), [])
        g = self.sb.control('GET', 'portal/transactions/{id}', params={'id': tid}).json
        self.assertEqual((g['tranStatus'], g['tranStatusDesc'], g['documents'][0]['sig']),
                         (EXPIRED, 'EXPIRED', None))
        r = self.sb.confirm(s['token'], s['kak'], s['credential_id'], tid, ch)
        self.assertStatus(r, tid, EXPIRED)

    def test_csc_signhash(self):
        s = self.sb.to_active(AN)
        n = self.sb.to_active(NHUNG)
        h = sha256_b64(b'portal document')
        good = {'credentialId': s['credential_id'], 'refTranId': 'dvc-2026-0001',
                'description': 'Nộp hồ sơ', 'datas': [{'name': 'to-khai.pdf', 'hash': h}]}
        r = self.sb.smartca('csc/signature/signhash', good, token=s['token'])
        content = self.assertEnvelopeOk(r, message='Chờ người dùng xác nhận')
        self.assertEqual(set(content), {'tranId'})
        t = self.waiting(s['token'])[0]
        self.assertEqual((t['tranId'], t['refTranId'], t['description']),
                         (content['tranId'], 'dvc-2026-0001', 'Nộp hồ sơ'))
        g = self.assertEnvelopeOk(self.sb.smartca('csc/credentials/gettraninfo',
                                                  {'tranId': content['tranId']},
                                                  token=s['token']))
        self.assertEqual(g, {'tranId': content['tranId'], 'refTranId': 'dvc-2026-0001',
                             'tranStatus': WAITING, 'tranStatusDesc': 'WAITING_FOR_SIGNER_CONFIRM',
                             'documents': [{'name': 'to-khai.pdf', 'hash': h, 'sig': None}]})
        bad_datas = [[], [{'name': 'a', 'hash': h}] * 51, [{'name': 'a', 'hash': 'abc'}],
                     [{'name': 'a', 'hash': b64(b'x' * 31)}], [{'name': 'a'}], [{'hash': h}],
                     ['a'], [{'name': '', 'hash': h}]]
        before = snapshot(self.sb)
        for datas in bad_datas:
            with self.subTest(datas=repr(datas)[:60]):
                r = self.sb.smartca('csc/signature/signhash', dict(good, datas=datas),
                                    token=s['token'])
                self.assertEnvelopeError(r, 400, 62010)
        for field in ('credentialId', 'refTranId', 'description', 'datas'):
            body = dict(good)
            del body[field]
            r = self.sb.smartca('csc/signature/signhash', body, token=s['token'])
            self.assertEnvelopeError(r, 400, 30000)
            self.assertIn(field, r.json['message'])
        r = self.sb.smartca('csc/signature/signhash', dict(good, credentialId=new_key()),
                            token=s['token'])
        self.assertEnvelopeError(r, 404, 60000)
        r = self.sb.smartca('csc/signature/signhash', dict(good, credentialId=n['credential_id']),
                            token=s['token'])
        self.assertEnvelopeError(r, 403, 60001)
        self.assertEnvelopeError(self.sb.smartca('csc/signature/signhash', good), 401, 40100)
        self.assertChanged(before)
        # Not before the credential is ACTIVE.
        p = self.sb.to_acceptance(BAO)
        r = self.sb.smartca('csc/signature/signhash', dict(good, credentialId=p['credential_id']),
                            token=p['token'])
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900), {'state': 'ACCEPTANCE_PENDING'})
        # gettraninfo's own errors.
        for body, status, code in (({'tranId': new_key()}, 404, 62000),
                                   ({'tranId': content['tranId']}, 403, 62001),
                                   ({}, 400, 30000)):
            r = self.sb.smartca('csc/credentials/gettraninfo', body, token=n['token'])
            self.assertEnvelopeError(r, status, code)
        self.assertEnvelopeError(self.sb.smartca('csc/credentials/gettraninfo',
                                                 {'tranId': content['tranId']}), 401, 40100)

    def test_control_errors(self):
        self.sb.to_acceptance(AN)
        h = sha256_b64(b'x')
        cases = [
            ({'citizen_id': '001099999999', 'description': 'x',
              'datas': [{'name': 'a', 'hash': h}]}, 404, 'not_found'),
            ({'citizen_id': AN, 'description': 'x', 'datas': [{'name': 'a', 'hash': h}]},
             409, 'wrong_state'),
            ({'citizen_id': AN, 'description': 'x', 'datas': []}, 400, 'invalid_request'),
            ({'citizen_id': AN, 'datas': [{'name': 'a', 'hash': h}]}, 400, 'invalid_request'),
        ]
        for body, status, error in cases:
            r = self.sb.control('POST', 'portal/signhash', body=body)
            self.assertControlError(r, (status,))
            self.assertEqual(r.json['error'], error, r)
        r = self.sb.control('GET', 'portal/transactions/{id}', params={'id': new_key()})
        self.assertControlError(r, (404,))
        self.assertEqual(r.json['error'], 'not_found')


# --- Change of device -------------------------------------------------------------------------

class ChangeOfDevice(SigningTestCase):

    def device_otp(self, s, citizen_id):
        phone = CITIZENS[citizen_id]['phone']
        before = self.sb.outbox(phone)
        r = self.sb.smartca('enrollment/device/otp', token=s['token'])
        content = self.assertEnvelopeOk(r)
        self.assertEqual(content, {'otpSentTo': sandbox.mask_phone(phone), 'expiresIn': 300,
                                   'resendAfter': 60})
        return self.sb.latest_otp(phone, 'device', after=before)

    def change(self, s, citizen_id):
        """A new KAK on another device, confirmed; returns it."""
        otp = self.device_otp(s, citizen_id)
        new = Kak(name='Máy tính ở nhà')
        a = self.assertEnvelopeOk(self.sb.activate(s['token'], new, otp=otp))
        self.assertEqual(set(a), {'credentialId', 'challenge', 'challengeExpiresIn', 'state',
                                  'pinShare'})
        self.assertEqual((a['credentialId'], a['challengeExpiresIn']), (s['credential_id'], 300))
        # Only the new KAK confirms it.
        r = self.sb.smartca('enrollment/device/confirm',
                            {'credentialId': s['credential_id'],
                             'sad': self.sb.sad(s['kak'], s['credential_id'], 'device',
                                                a['challenge'])}, token=s['token'])
        self.assertEnvelopeError(r, 400, 45000)
        r = self.sb.smartca('enrollment/device/confirm',
                            {'credentialId': s['credential_id'],
                             'sad': self.sb.sad(new, s['credential_id'], 'device',
                                                a['challenge'])}, token=s['token'])
        return new, a, r

    def test_change_of_device_when_active(self):
        s = self.sb.to_active(AN)
        # A portal request made before the change keeps its challenge.
        tid = self.sb.portal_signhash(AN, [sha256_b64(b'before')])
        ch = self.info(s['token'], tid)['challenge']
        new, a, r = self.change(s, AN)
        self.assertEqual(a['state'], 'ACTIVE')
        self.assertEqual(self.assertEnvelopeOk(r), {'state': 'ACTIVE'})
        self.assertEqual(self.status(s['token'])['state'], 'ACTIVE')
        # From now on the old KAK signs nothing; the new one signs.
        before = snapshot(self.sb)
        r = self.sb.confirm(s['token'], s['kak'], s['credential_id'], tid, ch)
        self.assertEnvelopeError(r, 400, 45000)
        self.assertChanged(before)
        self.assertEqual(self.info(s['token'], tid)['challenge'], ch)
        self.assertStatus(self.sb.confirm(s['token'], new, s['credential_id'], tid, ch), tid,
                          SUCCESS)
        # The confirmation is used up.
        r = self.sb.smartca('enrollment/device/confirm',
                            {'credentialId': s['credential_id'],
                             'sad': self.sb.sad(new, s['credential_id'], 'device',
                                                a['challenge'])}, token=s['token'])
        self.assertEnvelopeError(r, 400, 45000)

    def test_change_of_device_before_acceptance(self):
        s = self.sb.to_acceptance(NGOC)
        new, a, r = self.change(s, NGOC)
        self.assertEqual(self.assertEnvelopeOk(r), {'state': 'ACCEPTANCE_PENDING'})
        r = self.confirm_waiting(s, s['tran_id'])
        self.assertEnvelopeError(r, 400, 45000)
        self.assertStatus(self.confirm_waiting(s, s['tran_id'], kak=new), s['tran_id'], SUCCESS)
        self.assertEqual(self.status(s['token'])['state'], 'ACTIVE')

    def test_pending_device_changes_nothing_until_confirmed(self):
        s = self.sb.to_active(NHUNG)
        otp = self.device_otp(s, NHUNG)
        self.assertEnvelopeOk(self.sb.activate(s['token'], Kak(), otp=otp))
        tid = self.sb.portal_signhash(NHUNG, [sha256_b64(b'x')])
        self.assertStatus(self.confirm_waiting(s, tid), tid, SUCCESS)

    def test_device_otp_and_its_errors(self):
        s = self.sb.to_active(AN)
        otp = self.device_otp(s, AN)
        r = self.sb.smartca('enrollment/device/otp', token=s['token'])
        self.assertTrue(0 < self.assertEnvelopeError(r, 429, 42900)['retryAfter'] <= 60)
        new = Kak()
        # An OTP is needed once there is a certificate.
        r = self.sb.activate(s['token'], new)
        self.assertEnvelopeError(r, 400, 30000)
        self.assertIn('otp', r.json['message'])
        for left in (4, 3, 2, 1):
            r = self.sb.activate(s['token'], new, otp=wrong_otp(otp))
            self.assertEqual(self.assertEnvelopeError(r, 400, 44000), {'attemptsLeft': left})
        r = self.sb.activate(s['token'], new, otp=wrong_otp(otp))
        self.assertEnvelopeError(r, 403, 44002)
        # Rev 2: the fifth also revoked the citizen's SmartCA tokens; after a
        # new login the old OTP is still void.
        self.assertEnvelopeError(self.sb.activate(s['token'], new, otp=otp), 401, 40100)
        self.sb.relogin(s)
        r = self.sb.activate(s['token'], new, otp=otp)
        self.assertEnvelopeError(r, 403, 44002)
        self.sb.advance(61)
        otp = self.device_otp(s, AN)
        self.sb.advance(301)
        r = self.sb.activate(s['token'], new, otp=otp)
        self.assertEnvelopeError(r, 400, 44001)
        # Nothing of it changed the credential.
        self.assertEqual(snapshot(self.sb)['credentials'][0][8:12], (None, None, None, None))
        otp = self.device_otp(s, AN)
        a = self.assertEnvelopeOk(self.sb.activate(s['token'], new, otp=otp))
        # The device challenge expires like the activation challenge.
        self.sb.advance(301)
        r = self.sb.smartca('enrollment/device/confirm',
                            {'credentialId': s['credential_id'],
                             'sad': self.sb.sad(new, s['credential_id'], 'device',
                                                a['challenge'])}, token=s['token'])
        self.assertEnvelopeError(r, 400, 45001)
        for body, status, code in (({'sad': 'x'}, 400, 30000),
                                   ({'credentialId': new_key(), 'sad': 'x'}, 404, 60000)):
            r = self.sb.smartca('enrollment/device/confirm', body, token=s['token'])
            self.assertEnvelopeError(r, status, code)
        for path in ('enrollment/device/otp', 'enrollment/device/confirm'):
            self.assertEnvelopeError(self.sb.smartca(path, {}), 401, 40100)

    def test_wrong_states(self):
        s = self.sb.to_activation(BAO)
        r = self.sb.smartca('enrollment/device/otp', token=s['token'])
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900), {'state': 'ACTIVATION_PENDING'})
        r = self.sb.smartca('enrollment/device/confirm',
                            {'credentialId': new_key(), 'sad': 'x'}, token=s['token'])
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900), {'state': 'ACTIVATION_PENDING'})
        r = self.sb.smartca('enrollment/acceptance', token=s['token'])
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900), {'state': 'ACTIVATION_PENDING'})


# --- Work done by workers, asked twice at once -----------------------------------------------

class Concurrency(SigningTestCase):
    """The sandbox draws PDFs and makes keys and signatures in workers; two
    calls racing for the same thing get one result, never two."""

    def both(self, call):
        results = [None, None]

        def run(i):
            results[i] = call()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        return results

    def test_contract_drawn_once(self):
        s = self.sb.to_smartca(AN)
        self.sb.wait_state(s['token'], 'CONTRACT_PENDING')
        a, b = self.both(lambda: self.sb.smartca('enrollment/contract', token=s['token']))
        self.assertEqual(self.assertEnvelopeOk(a), self.assertEnvelopeOk(b))
        self.assertEqual(len(snapshot_contracts(self.sb)), 1)

    def test_contract_signed_once(self):
        s = self.sb.to_contract(NGOC)
        c = s['contract']
        otp = self.sb.contract_otp(s['token'], c['contractId'], NGOC)
        results = self.both(lambda: self.sb.sign(s['token'], c['contractId'], otp, c['hash']))
        statuses = sorted(r.status for r in results)
        self.assertEqual(statuses[0], 200, results)
        self.assertIn(statuses[1], (200, 400, 409), results)
        if statuses[1] == 200:
            self.assertEqual(results[0].json, results[1].json)
        self.assertEqual(self.status(s['token'])['state'], 'ACTIVATION_PENDING')

    def test_certificate_issued_once(self):
        s = self.sb.to_activation(NHUNG)
        kak = Kak()
        a = self.assertEnvelopeOk(self.sb.activate(s['token'], kak))
        results = self.both(lambda: self.sb.certificate(s['token'], kak, a['credentialId'],
                                                        a['challenge']))
        ok = [r for r in results if r.status == 200]
        self.assertEqual(len(ok), 1, results)
        other = [r for r in results if r.status != 200][0]
        self.assertIn(other.json['code'], (40900, 45000), other)
        status = self.status(s['token'])
        self.assertEqual((status['state'], status['acceptanceTranId']),
                         ('ACCEPTANCE_PENDING', ok[0].json['content']['tranId']))
        db = snapshot(self.sb)
        self.assertEqual(len(db['transactions']), 1)


def snapshot_contracts(sb):
    db = sqlite3.connect('file:%s?mode=ro' % os.path.join(sb.data_dir, 'sandbox.db'), uri=True)
    try:
        return db.execute('SELECT contract_id FROM contracts').fetchall()
    finally:
        db.close()


# --- The signing keys at rest ---------------------------------------------------------------

class KeysAtRest(SigningTestCase):

    def test_signing_keys_are_wrapped(self):
        s = self.sb.to_active(AN)
        self.sb.stop()
        db = sqlite3.connect('file:%s?mode=ro' % os.path.join(self.sb.data_dir, 'sandbox.db'),
                             uri=True)
        try:
            blob, cid, cert_der = db.execute(
                'SELECT signing_key, credential_id, certificate FROM credentials').fetchone()
            wrapping_key = db.execute(
                "SELECT value FROM meta WHERE key = 'hsm_wrapping_key'").fetchone()[0]
        finally:
            db.close()
        # Unwrapped here with the meta key, the blob is the certificate's key...
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        self.assertEqual((blob[0], len(wrapping_key)), (1, 32))
        plain = AESGCM(wrapping_key).decrypt(blob[1:13], blob[13:], cid.encode())
        key = serialization.load_der_private_key(plain, None)
        cert = x509.load_der_x509_certificate(cert_der)
        self.assertEqual(key.public_key().public_numbers(), cert.public_key().public_numbers())
        # ...bound to its credential...
        with self.assertRaises(Exception):
            AESGCM(wrapping_key).decrypt(blob[1:13], blob[13:], new_key().encode())
        # ...and no 8-byte window of its secret numbers is anywhere in clear.
        numbers = key.private_numbers()
        secrets = [n.to_bytes((n.bit_length() + 7) // 8, 'big')
                   for n in (numbers.p, numbers.q, numbers.d, numbers.dmp1, numbers.dmq1,
                             numbers.iqmp)]
        files = [os.path.join(root, name) for root, _, names in os.walk(self.sb.data_dir)
                 for name in names] + [self.sb.log_path]
        for path in files:
            with open(path, 'rb') as f:
                data = f.read()
            found = [i for secret in secrets for i in range(0, len(secret) - 8, 4)
                     if secret[i:i + 8] in data]
            self.assertEqual(found, [], 'the signing key in clear in %s' % path)
        self.sb.start()
        # The record signed with it is still there after the restart.
        self.assertEnvelopeOk(self.sb.smartca('enrollment/acceptance', token=s['token']))
