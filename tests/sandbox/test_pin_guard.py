# SPDX-License-Identifier: GPL-3.0-or-later
"""PROTOCOL.md rev 2, "PIN guard": pinVerifier on activation, the pinShare
handed out for the right verifier only, counted per credential and locked
at the fifth wrong one in a row until a change of device; kept in SQLite
(hashed, sealed) across restarts."""

import base64
import hashlib
import os
import sqlite3

import sandbox
from sandbox import AN, BAO, NGOC, NHUNG, Kak, SandboxTestCase, b64, new_key

S = 'POST SMARTCA/'
PIN_REQUIRED = [
    (S + 'ssa/sic/pin/verify', 200, None),
    (S + 'ssa/sic/pin/verify', 400, 30000),
    (S + 'ssa/sic/pin/verify', 400, 46000),
    (S + 'ssa/sic/pin/verify', 401, 40100),
    (S + 'ssa/sic/pin/verify', 403, 46001),
    (S + 'ssa/sic/pin/verify', 403, 60001),
    (S + 'ssa/sic/pin/verify', 404, 60000),
    (S + 'ssa/sic/pin/verify', 409, 40900),
    (S + 'ssa/sic/pin/change', 200, None),
    (S + 'ssa/sic/pin/change', 400, 30000),
    (S + 'ssa/sic/pin/change', 400, 46000),
    (S + 'ssa/sic/pin/change', 401, 40100),
    (S + 'ssa/sic/pin/change', 403, 46001),
    (S + 'ssa/sic/pin/change', 409, 40900),
]


def credential_row(sb, credential_id):
    db = sqlite3.connect('file:%s?mode=ro' % os.path.join(sb.data_dir, 'sandbox.db'), uri=True)
    db.row_factory = sqlite3.Row
    try:
        return dict(db.execute('SELECT * FROM credentials WHERE credential_id = ?',
                               (credential_id,)).fetchone())
    finally:
        db.close()


class PinGuardCase(SandboxTestCase):

    def verify(self, s, verifier=None, credential_id=None, token=None):
        return self.sb.pin_verify(token or s['token'], credential_id or s['credential_id'],
                                  verifier or s['kak'].pin_verifier_b64)

    def lock(self, s):
        bad = s['kak'].verifier_b64('135790')
        for left in (4, 3, 2, 1):
            r = self.verify(s, bad)
            self.assertEqual(self.assertEnvelopeError(r, 400, 46000), {'attemptsLeft': left})
        self.assertEnvelopeError(self.verify(s, bad), 403, 46001)

    def share_of_activation(self, s):
        return s['activation']['pinShare']

    def to_acceptance(self, citizen_id):
        """Up to ACCEPTANCE_PENDING, keeping activate's answer."""
        s = self.sb.to_activation(citizen_id)
        kak = Kak()
        a = self.assertEnvelopeOk(self.sb.activate(s['token'], kak))
        self.assertEnvelopeOk(self.sb.certificate(s['token'], kak, a['credentialId'],
                                                  a['challenge']))
        s.update(kak=kak, credential_id=a['credentialId'], activation=a)
        return s


class PinVerify(PinGuardCase):

    def test_activate_needs_a_verifier_of_32_bytes(self):
        s = self.sb.to_activation(AN)
        kak = Kak()
        for verifier in (None, 5, '', 'not base64!', b64(os.urandom(31)), b64(os.urandom(33)),
                         base64.urlsafe_b64encode(b'\xfb' * 32).decode()):
            body = {'kakPublicKey': kak.public_b64, 'device': kak.device()}
            if verifier is not None:
                body['pinVerifier'] = verifier
            r = self.sb.smartca('enrollment/activate', body, token=s['token'],
                                headers={'Idempotency-Key': new_key()})
            self.assertEnvelopeError(r, 400, 30000)
            self.assertIn('pinVerifier', r.json['message'])

    def test_right_verifier_gives_the_share(self):
        s = self.to_acceptance(AN)
        share = self.share_of_activation(s)
        self.assertEqual(len(base64.b64decode(share)), 32)
        self.assertEqual(self.assertEnvelopeOk(self.verify(s)), {'pinShare': share})
        # Stored as SHA-256 of the verifier, the share sealed.
        row = credential_row(self.sb, s['credential_id'])
        verifier = base64.b64decode(s['kak'].pin_verifier_b64)
        self.assertEqual(row['pin_verifier_hash'], hashlib.sha256(verifier).digest())
        self.assertNotIn(base64.b64decode(share), row['pin_share'])
        self.assertNotIn(share.encode(), row['pin_share'])
        self.assertEqual(row['pin_failures'], 0)

    def test_wrong_verifiers_lock_the_guard(self):
        s = self.to_acceptance(NGOC)
        self.lock(s)
        # Then even the right one, and pin/change, get 46001.
        self.assertEnvelopeError(self.verify(s), 403, 46001)
        r = self.sb.pin_change(s['token'], s['credential_id'], s['kak'].pin_verifier_b64,
                               s['kak'].verifier_b64('111111'))
        self.assertEnvelopeError(r, 403, 46001)
        self.assertEqual(credential_row(self.sb, s['credential_id'])['pin_failures'], 5)

    def test_right_verifier_resets_the_count(self):
        s = self.to_acceptance(AN)
        bad = s['kak'].verifier_b64('000000')
        for left in (4, 3):
            self.assertEqual(self.assertEnvelopeError(self.verify(s, bad), 400, 46000),
                             {'attemptsLeft': left})
        self.assertEnvelopeOk(self.verify(s))
        self.assertEqual(self.assertEnvelopeError(self.verify(s, bad), 400, 46000),
                         {'attemptsLeft': 4})

    def test_order_of_checks(self):
        s = self.to_acceptance(AN)
        n = self.to_acceptance(NHUNG)
        self.lock(s)
        # Authentication first.
        r = self.sb.smartca('ssa/sic/pin/verify', {'credentialId': s['credential_id']})
        self.assertEnvelopeError(r, 401, 40100)
        # A malformed verifier: 400, before the lock and not counted.
        for bad in ('x', b64(b'\0' * 16)):
            self.assertEnvelopeError(self.verify(s, bad), 400, 30000)
            self.assertEnvelopeError(self.verify(n, bad), 400, 30000)
        r = self.sb.smartca('ssa/sic/pin/verify', {'pinVerifier': s['kak'].pin_verifier_b64},
                            token=s['token'])
        self.assertEnvelopeError(r, 400, 30000)
        self.assertEqual(credential_row(self.sb, n['credential_id'])['pin_failures'], 0)
        # Another citizen's credential, locked or not: 403 / 60001; none: 404.
        self.assertEnvelopeError(self.verify(n, credential_id=s['credential_id']), 403, 60001)
        self.assertEnvelopeError(self.verify(s, credential_id=n['credential_id']), 403, 60001)
        self.assertEnvelopeError(self.verify(s, credential_id=new_key()), 404, 60000)
        self.assertEqual(credential_row(self.sb, n['credential_id'])['pin_failures'], 0)
        # Locked before anything is compared.
        self.assertEnvelopeError(self.verify(s), 403, 46001)

    def test_counter_survives_restarts(self):
        s = self.to_acceptance(BAO)
        bad = s['kak'].verifier_b64('999999')
        self.assertEnvelopeError(self.verify(s, bad), 400, 46000)
        self.sb.restart()
        self.assertEqual(self.assertEnvelopeError(self.verify(s, bad), 400, 46000),
                         {'attemptsLeft': 3})
        self.sb.kill9()
        self.sb.start()
        self.assertEqual(self.assertEnvelopeOk(self.verify(s)),
                         {'pinShare': self.share_of_activation(s)})


class PinChange(PinGuardCase):

    def test_change(self):
        s = self.to_acceptance(AN)
        share = self.share_of_activation(s)
        old, new = s['kak'].pin_verifier_b64, s['kak'].verifier_b64('135246')
        r = self.sb.pin_change(s['token'], s['credential_id'], s['kak'].verifier_b64('000000'),
                               new)
        self.assertEqual(self.assertEnvelopeError(r, 400, 46000), {'attemptsLeft': 4})
        r = self.sb.pin_change(s['token'], s['credential_id'], old, new)
        self.assertEqual(self.assertEnvelopeOk(r), {'pinShare': share})
        # Only the new one from now on; the share stays.
        self.assertEqual(self.assertEnvelopeError(self.verify(s, old), 400, 46000),
                         {'attemptsLeft': 4})
        self.assertEqual(self.assertEnvelopeOk(self.verify(s, new)), {'pinShare': share})

    def test_bad_requests(self):
        s = self.to_acceptance(NGOC)
        good = s['kak'].pin_verifier_b64
        for body in ({'credentialId': s['credential_id'], 'pinVerifier': good},
                     {'credentialId': s['credential_id'], 'pinVerifier': good,
                      'newPinVerifier': 'AAAA'},
                     {'credentialId': s['credential_id'], 'pinVerifier': 'AAAA',
                      'newPinVerifier': good}):
            r = self.sb.smartca('ssa/sic/pin/change', body, token=s['token'])
            self.assertEnvelopeError(r, 400, 30000)
        self.assertEnvelopeError(self.sb.smartca('ssa/sic/pin/change', {}), 401, 40100)
        self.assertEqual(credential_row(self.sb, s['credential_id'])['pin_failures'], 0)


class GuardLifecycle(PinGuardCase):

    def test_activating_again_replaces_the_guard(self):
        s = self.to_acceptance(AN)
        # (A new activation in CERTIFICATE_PENDING: a fresh enrollment.)
        t = self.sb.to_activation(NHUNG)
        first, second = Kak(pin='111222'), Kak(pin='333444')
        a = self.assertEnvelopeOk(self.sb.activate(t['token'], first))
        b = self.assertEnvelopeOk(self.sb.activate(t['token'], second))
        self.assertEqual(a['credentialId'], b['credentialId'])
        self.assertNotEqual(a['pinShare'], b['pinShare'])
        t.update(credential_id=a['credentialId'], kak=second)
        self.assertEnvelopeError(self.verify(t, first.pin_verifier_b64), 400, 46000)
        self.assertEqual(self.assertEnvelopeOk(self.verify(t)), {'pinShare': b['pinShare']})
        self.assertEnvelopeOk(self.verify(s))

    def test_an_idempotent_repeat_gives_the_same_share_kept_sealed(self):
        s = self.sb.to_activation(BAO)
        kak, key = Kak(), new_key()
        first = self.sb.activate(s['token'], kak, key=key)
        share = self.assertEnvelopeOk(first)['pinShare']
        again = self.sb.activate(s['token'], kak, key=key)
        self.assertEqual((again.status, again.body), (200, first.body))
        db = sqlite3.connect('file:%s?mode=ro' % os.path.join(self.sb.data_dir, 'sandbox.db'),
                             uri=True)
        try:
            rows = db.execute('SELECT body, sealed_body FROM idempotency WHERE key = ?',
                              (key,)).fetchall()
            dump = '\n'.join(db.iterdump())
        finally:
            db.close()
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][0], '')
        self.assertIsNotNone(rows[0][1])
        self.assertNotIn(share, dump)
        self.assertNotIn(share.encode(), rows[0][1])
        # After a restart too.
        self.sb.restart()
        again = self.sb.activate(s['token'], kak, key=key)
        self.assertEqual((again.status, again.body), (200, first.body))

    def test_change_of_device_replaces_and_unlocks_the_guard(self):
        s = self.to_acceptance(NGOC)
        old_share = self.share_of_activation(s)
        self.lock(s)
        new = Kak(pin='975310')
        a = self.sb.change_device(s, new, NGOC)
        self.assertNotEqual(a['pinShare'], old_share)
        # Pending: never used by verify or change.
        self.assertEnvelopeError(self.verify(s, new.pin_verifier_b64), 403, 46001)
        self.assertEnvelopeOk(self.sb.confirm_device(s, new, a['challenge']))
        self.assertEqual(self.assertEnvelopeOk(self.verify(s, new.pin_verifier_b64)),
                         {'pinShare': a['pinShare']})
        self.assertEnvelopeError(self.verify(s, s['kak'].pin_verifier_b64), 400, 46000)

    def test_a_pending_guard_does_not_replace_the_current_one(self):
        s = self.to_acceptance(AN)
        new = Kak(pin='864200')
        self.sb.change_device(s, new, AN)
        self.assertEqual(self.assertEnvelopeError(self.verify(s, new.pin_verifier_b64), 400,
                                                  46000), {'attemptsLeft': 4})
        self.assertEqual(self.assertEnvelopeOk(self.verify(s)),
                         {'pinShare': self.share_of_activation(s)})
        r = self.sb.pin_change(s['token'], s['credential_id'], new.pin_verifier_b64,
                               new.verifier_b64('123123'))
        self.assertEnvelopeError(r, 400, 46000)


class WithoutGuard(PinGuardCase):

    def test_a_credential_without_a_guard_gets_409_until_a_change_of_device(self):
        s = self.to_acceptance(NHUNG)
        # As schema-3.sql leaves a credential activated before revision 2.
        with self.sb.stopped_database() as db:
            db.execute('UPDATE credentials SET pin_verifier_hash = NULL, pin_share = NULL')
        self.sb.start()
        r = self.verify(s)
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900), {'state': 'ACCEPTANCE_PENDING'})
        r = self.sb.pin_change(s['token'], s['credential_id'], s['kak'].pin_verifier_b64,
                               s['kak'].verifier_b64('111000'))
        self.assertEnvelopeError(r, 409, 40900)
        # Nothing was counted; a change of device gives it a guard.
        self.assertEqual(credential_row(self.sb, s['credential_id'])['pin_failures'], 0)
        new = Kak()
        a = self.sb.change_device(s, new, NHUNG)
        self.assertEnvelopeError(self.verify(s, new.pin_verifier_b64), 409, 40900)
        self.assertEnvelopeOk(self.sb.confirm_device(s, new, a['challenge']))
        self.assertEqual(self.assertEnvelopeOk(self.verify(s, new.pin_verifier_b64)),
                         {'pinShare': a['pinShare']})


class PinSecrets(PinGuardCase):
    """The log never holds a pinVerifier or a pinShare (the harness's check
    after every test); here the calls that carry them, logged at debug."""

    sandbox_args = ()

    def test_not_in_the_log(self):
        self.sb.stop()
        os.environ['G_MESSAGES_DEBUG'] = 'all'
        try:
            self.sb.start()
        finally:
            del os.environ['G_MESSAGES_DEBUG']
        s = self.to_acceptance(AN)
        self.verify(s, s['kak'].verifier_b64('000000'))
        self.assertEnvelopeOk(self.verify(s))
        self.assertEnvelopeOk(self.sb.pin_change(s['token'], s['credential_id'],
                                                 s['kak'].pin_verifier_b64,
                                                 s['kak'].verifier_b64('192837')))
        self.assertIn(s['kak'].pin_verifier_b64, self.sb.secrets)
        self.assertIn(self.share_of_activation(s), self.sb.secrets)
        self.assertIn('ssa/sic/pin/verify', self.sb.log_text())


if __name__ == '__main__':
    sandbox.main(PIN_REQUIRED, 'test_pin_guard')
