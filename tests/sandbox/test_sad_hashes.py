# SPDX-License-Identifier: GPL-3.0-or-later
"""PROTOCOL.md rev 2, "SAD": a SAD names the hashes of exactly the documents
it authorises, in their order ([] for activation and device), compared as
decoded 32-byte values; and csc/signature/signhash is idempotent on
refTranId per citizen within 24 h."""

import base64
import os
import sqlite3

import sandbox
from sandbox import AN, NGOC, NHUNG, Kak, SandboxTestCase, b64, new_key, sha256_b64


def count(sb, table):
    db = sqlite3.connect('file:%s?mode=ro' % os.path.join(sb.data_dir, 'sandbox.db'), uri=True)
    try:
        return db.execute('SELECT COUNT(*) FROM %s' % table).fetchone()[0]
    finally:
        db.close()


def non_canonical(hash_b64):
    """The same 32 bytes, written with other bits in the last character's
    unused low bits: decoders take both for one value."""
    alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
    last = alphabet.index(hash_b64[42])
    other = hash_b64[:42] + alphabet[last ^ 1] + '='
    assert base64.b64decode(other) == base64.b64decode(hash_b64) and other != hash_b64
    return other


class SadHashes(SandboxTestCase):

    def confirm(self, s, tid, challenge, **claims):
        sad = self.sb.sad(s['kak'], s['credential_id'], tid, challenge, **claims)
        return self.sb.confirm(s['token'], s['kak'], s['credential_id'], tid, challenge, sad=sad)

    def info(self, s, tid):
        return self.assertEnvelopeOk(self.sb.smartca('ssa/sic/waitingtraninfo',
                                                     {'tranId': tid}, token=s['token']))

    def test_hashes_must_name_the_documents_in_their_order(self):
        s = self.sb.to_active(AN)
        hashes = [sha256_b64(b'document %d' % i) for i in range(3)]
        tid = self.sb.portal_signhash(AN, hashes)
        info = self.info(s, tid)
        ch = info['challenge']
        self.assertEqual([d['hash'] for d in info['documents']], hashes)
        for label, claimed in (('missing', None), ('empty', []),
                               ('reordered', [hashes[1], hashes[0], hashes[2]]),
                               ('one different', hashes[:2] + [sha256_b64(b'other')]),
                               ('one short', hashes[:2]), ('one more', hashes + [hashes[0]]),
                               ('not Base64', hashes[:2] + ['not a hash']),
                               ('not 32 bytes', hashes[:2] + [b64(os.urandom(31))]),
                               ('a number', hashes[:2] + [5])):
            with self.subTest(label):
                r = self.confirm(s, tid, ch, hashes=claimed)
                self.assertEnvelopeError(r, 400, 45000)
                # Nothing changed: still waiting, same challenge.
                again = self.info(s, tid)
                self.assertEqual((again['challenge'], again['tranId']), (ch, tid))
        # Compared as decoded values: another spelling of the same bytes is them.
        r = self.confirm(s, tid, ch, hashes=hashes[:2] + [non_canonical(hashes[2])])
        self.assertEqual(self.assertEnvelopeOk(r)['tranStatus'], 1)

    def test_the_acceptance_record_is_named_by_its_hash(self):
        s = self.sb.to_acceptance(NGOC)
        info = self.info(s, s['tran_id'])
        self.assertEqual(len(info['documents']), 1)
        r = self.confirm(s, s['tran_id'], info['challenge'], hashes=[])
        self.assertEnvelopeError(r, 400, 45000)
        r = self.confirm(s, s['tran_id'], info['challenge'],
                         hashes=[info['documents'][0]['hash']])
        self.assertEqual(self.assertEnvelopeOk(r)['tranStatus'], 1)

    def test_activation_and_device_name_no_hashes(self):
        s = self.sb.to_activation(NHUNG)
        kak = Kak()
        a = self.assertEnvelopeOk(self.sb.activate(s['token'], kak))
        for claimed in (None, [sha256_b64(b'x')]):
            sad = self.sb.sad(kak, a['credentialId'], 'activation', a['challenge'],
                              hashes=claimed)
            r = self.sb.smartca('enrollment/certificate',
                                {'credentialId': a['credentialId'], 'sad': sad},
                                token=s['token'])
            self.assertEnvelopeError(r, 400, 45000)
        self.assertEnvelopeOk(self.sb.certificate(s['token'], kak, a['credentialId'],
                                                  a['challenge']))

    def test_range_of_iat_and_exp_checked_before_their_difference(self):
        """exp - iat of two extreme integers overflows; the sanitizer build
        reports it in the log, which fails the test."""
        s = self.sb.to_activation(AN)
        kak = Kak()
        a = self.assertEnvelopeOk(self.sb.activate(s['token'], kak))
        for iat, exp in ((-(2 ** 63), 2 ** 63 - 1), (2 ** 63 - 1, -(2 ** 63)),
                         (-1, 100), (self.sb.now(), 2 ** 62)):
            sad = self.sb.sad(kak, a['credentialId'], 'activation', a['challenge'],
                              iat=iat, exp=exp)
            r = self.sb.smartca('enrollment/certificate',
                                {'credentialId': a['credentialId'], 'sad': sad},
                                token=s['token'])
            self.assertEnvelopeError(r, 400, 45000)


class SignhashIdempotency(SandboxTestCase):

    def signhash(self, s, ref, hashes):
        return self.sb.smartca('csc/signature/signhash',
                               {'credentialId': s['credential_id'], 'refTranId': ref,
                                'description': 'Ký tài liệu của tôi',
                                'datas': [{'name': 'tai-lieu-%d.pdf' % i, 'hash': h}
                                          for i, h in enumerate(hashes)]}, token=s['token'])

    def test_same_ref_tran_id_within_24_hours(self):
        s = self.sb.to_active(AN)
        ref = new_key()
        hashes = [sha256_b64(b'a'), sha256_b64(b'b')]
        first = self.assertEnvelopeOk(self.signhash(s, ref, hashes),
                                      message='Chờ người dùng xác nhận')
        n = count(self.sb, 'transactions')
        # A resend after a dropped connection: the first tranId, nothing new.
        again = self.assertEnvelopeOk(self.signhash(s, ref, hashes), message=None)
        self.assertEqual(again, first)
        self.assertEqual(count(self.sb, 'transactions'), n)
        self.sb.restart()
        self.sb.advance(23 * 3600)
        s['vneid_token'] = self.sb.login(AN)
        self.sb.relogin(s)
        self.assertEqual(self.assertEnvelopeOk(self.signhash(s, ref, hashes), message=None),
                         first)
        # Another refTranId is another transaction.
        other = self.assertEnvelopeOk(self.signhash(s, new_key(), hashes), message=None)
        self.assertNotEqual(other, first)
        # After 24 h the refTranId is new again.
        self.sb.advance(3601)
        s['vneid_token'] = self.sb.login(AN)
        self.sb.relogin(s)
        later = self.assertEnvelopeOk(self.signhash(s, ref, hashes), message=None)
        self.assertNotEqual(later, first)

    def test_per_citizen(self):
        s = self.sb.to_active(AN)
        n = self.sb.to_active(NGOC)
        ref = new_key()
        a = self.assertEnvelopeOk(self.signhash(s, ref, [sha256_b64(b'a')]), message=None)
        b = self.assertEnvelopeOk(self.signhash(n, ref, [sha256_b64(b'a')]), message=None)
        self.assertNotEqual(a, b)


if __name__ == '__main__':
    sandbox.main(title='test_sad_hashes')
