# SPDX-License-Identifier: GPL-3.0-or-later
"""A restart at any moment loses nothing (PROTOCOL.md, "The sandbox"): the
sandbox is stopped with SIGTERM, or killed with SIGKILL, in the middle of
the flow and started again on the same data directory; tokens, codes,
registrations, the contract, OTPs and their counters, lock-outs, the
clock and the CA are all still there."""

import glob
import hashlib
import json
import os
import sqlite3
import threading
import time

import sandbox
from sandbox import (AN, BAO, CITIZENS, CLIENT_ID, NGOC, NHUNG, PASSWORD, SandboxTestCase, new_key,
                     sha256_b64)


class RestartTestCase(SandboxTestCase):

    def ca_files(self):
        files = {}
        for path in sorted(glob.glob(os.path.join(self.sb.data_dir, 'ca', '*'))):
            with open(path, 'rb') as f:
                files[os.path.basename(path)] = hashlib.sha256(f.read()).hexdigest()
        return files

    def bounce(self, how):
        """Stops the sandbox (SIGTERM: it must exit 0) or kills it, starts it
        again on the same data directory, and checks that the CA is the same."""
        anchor = self.sb.info['trust_anchor']
        with open(anchor, 'rb') as f:
            root = f.read()
        files = self.ca_files()
        if how == 'term':
            self.sb.stop()
        else:
            self.sb.kill9()
        self.sb.start()
        self.assertEqual(self.sb.info['trust_anchor'], anchor)
        with open(anchor, 'rb') as f:
            self.assertEqual(f.read(), root, 'the root CA changed on restart')
        self.assertEqual(self.ca_files(), files, 'the CA files changed on restart')


class Restart(RestartTestCase):

    def flow(self, how):
        sb = self.sb
        phone = CITIZENS[AN]['phone']

        # A QR login waiting for approval survives.
        d = sb.device_authorization().json
        self.bounce(how)
        sb.approve(d['user_code'], NGOC)
        self.assertVneidTokens(sb.device_poll(d['device_code']))

        # A VNeID OTP session and the clock: 200 s before, 101 s after.
        r = sb.password_grant(BAO)
        self.assertEqual(r.error, 'otp_required', r)
        session = r.json['otp_session']
        bao_otp = sb.latest_otp(CITIZENS[BAO]['phone'], 'vneid-login')
        sb.advance(200)
        self.bounce(how)
        sb.advance(101)
        self.assertOAuthError(sb.otp_grant(session, bao_otp), 400, 'expired_token')

        # Wrong passwords in a row count across a restart.
        for left in (4, 3):
            r = sb.password_grant(BAO, 'sai-mat-khau')
            self.assertEqual(self.assertOAuthError(r, 400, 'invalid_grant')['attempts_left'],
                             left)
        self.bounce(how)
        r = sb.password_grant(BAO, 'sai-mat-khau')
        self.assertEqual(self.assertOAuthError(r, 400, 'invalid_grant')['attempts_left'], 2)

        # A VNeID OTP sent before the restart is good after it, with its counter.
        r = sb.password_grant(AN)
        session = r.json['otp_session']
        otp = sb.latest_otp(phone, 'vneid-login')
        wrong = '%06d' % ((int(otp) + 1) % 1000000)
        self.assertEqual(sb.otp_grant(session, wrong).json.get('attempts_left'), 4)
        self.bounce(how)
        self.assertEqual(sb.otp_grant(session, wrong).json.get('attempts_left'), 3)
        vtoken = self.assertVneidTokens(sb.otp_grant(session, otp))

        # The VNeID token and the registration, with its Idempotency-Key answer.
        key = new_key()
        first = sb.register(vtoken, key)
        self.assertEqual(first.status, 201, first)
        rid = first.json['registration_id']
        self.bounce(how)
        self.assertEqual(sb.vneid('GET', 'api/v1/userinfo', token=vtoken).status, 200)
        again = sb.register(vtoken, key)
        self.assertEqual((again.status, again.body), (201, first.body), again)
        other = sb.register(vtoken, new_key())
        self.assertEqual((other.status, other.json['registration_id']), (200, rid), other)
        self.assertEqual(sb.registration(vtoken, rid).json['status'], 'SUBMITTED')

        # A hand-off code issued before the restart is good after it.
        code = sb.handoff(vtoken, rid).json['code']
        self.bounce(how)
        self.assertEqual(sb.registration(vtoken, rid).json['status'], 'SYNCED')
        tokens = self.assertSmartcaTokens(sb.smartca_token(code))
        self.assertOAuthError(sb.smartca_token(code), 400, 'invalid_grant', description=False)

        # SmartCA tokens, the enrollment and the sync.
        self.bounce(how)
        token = tokens['access_token']
        status = self.assertEnvelopeOk(sb.smartca('enrollment/status', token=token))
        self.assertEqual(status['registrationId'], rid)
        self.assertIn(status['state'], ('SYNCING', 'CONTRACT_PENDING'))
        sb.wait_state(token, 'CONTRACT_PENDING')
        self.assertOAuthError(sb.smartca_token(code), 400, 'invalid_grant', description=False)

        # The contract: the same bytes after a restart.
        contract = self.assertEnvelopeOk(sb.smartca('enrollment/contract', token=token))
        self.bounce(how)
        again = self.assertEnvelopeOk(sb.smartca('enrollment/contract', token=token))
        self.assertEqual(again, contract)
        self.assertEqual(sandbox.b64(sandbox.base64.b64decode(again['dataBase64'])),
                         again['dataBase64'])
        self.assertEqual(sha256_b64(sandbox.base64.b64decode(again['dataBase64'])),
                         contract['hash'])

        # The contract OTP, its counter and its resend limit.
        cid, h = contract['contractId'], contract['hash']
        otp = sb.contract_otp(token, cid, AN)
        wrong = '%06d' % ((int(otp) + 1) % 1000000)
        r = sb.sign(token, cid, wrong, h)
        self.assertEqual(self.assertEnvelopeError(r, 400, 44000), {'attemptsLeft': 4})
        self.bounce(how)
        r = sb.smartca('enrollment/contract/otp', {'contractId': cid}, token=token)
        self.assertEnvelopeError(r, 429, 42900)
        r = sb.sign(token, cid, wrong, h)
        self.assertEqual(self.assertEnvelopeError(r, 400, 44000), {'attemptsLeft': 3})
        signed = self.assertEnvelopeOk(sb.sign(token, cid, otp, h))

        # Signed: everything says so after a restart, and the refresh token works.
        self.bounce(how)
        status = self.assertEnvelopeOk(sb.smartca('enrollment/status', token=token))
        self.assertEqual(status['state'], 'ACTIVATION_PENDING')
        self.assertEqual(sb.registration(vtoken, rid).json['status'], 'CONTRACT_SIGNED')
        r = sb.smartca('enrollment/contract', token=token)
        self.assertEnvelopeError(r, 409, 40900)
        fresh = self.assertSmartcaTokens(sb.smartca_refresh(tokens['refresh_token']))
        self.bounce(how)
        self.assertEnvelopeOk(sb.smartca('identityapi/userinfo/info',
                                         token=fresh['access_token']))
        self.assertOAuthError(sb.smartca_refresh(tokens['refresh_token']), 400, 'invalid_grant',
                              description=False)
        # The revocation of a token survives too.
        r = sb.vneid('POST', 'oauth/revoke', form={'token': vtoken, 'client_id': CLIENT_ID})
        self.assertEqual(r.status, 200, r)
        self.bounce(how)
        self.assertOAuthError(sb.vneid('GET', 'api/v1/userinfo', token=vtoken), 401,
                              'invalid_token', description=False)
        return signed

    def test_sigterm_at_once(self):
        """SIGTERM as soon as the JSON line is read: a clean stop, every time."""
        codes = []
        for _ in range(8):
            codes.append(self.sb.stop(check=False))
            self.sb.start()
        self.assertEqual(codes, [0] * 8, 'exit statuses on SIGTERM right after the line')

    def test_sigterm_mid_flow(self):
        self.flow('term')
        self.check_database(restarts=self.sb.starts)

    def test_sigkill_mid_flow(self):
        self.flow('kill')
        self.check_database(restarts=self.sb.starts)

    def test_sigkill_right_after_answers(self):
        """An answer the client got was committed: kill -9 at once after it."""
        sb = self.sb
        vtoken = sb.login(AN)
        self.bounce('kill')
        r = sb.register(vtoken)
        rid = r.json['registration_id']
        self.bounce('kill')
        code = sb.handoff(vtoken, rid).json['code']
        self.bounce('kill')
        tokens = sb.smartca_token(code).json
        self.bounce('kill')
        sb.wait_state(tokens['access_token'], 'CONTRACT_PENDING')
        contract = sb.smartca('enrollment/contract', token=tokens['access_token']).json['content']
        self.bounce('kill')
        otp = sb.contract_otp(tokens['access_token'], contract['contractId'], AN)
        self.bounce('kill')
        r = sb.sign(tokens['access_token'], contract['contractId'], otp, contract['hash'])
        self.assertEnvelopeOk(r)
        self.bounce('kill')
        self.assertEqual(sb.registration(vtoken, rid).json['status'], 'CONTRACT_SIGNED')
        # And the OTP was used up by its success.
        r = sb.sign(tokens['access_token'], contract['contractId'], otp, contract['hash'])
        self.assertEnvelopeError(r, 409, 40900)

    def check_database(self, restarts):
        """Every start found the citizens there and added none twice."""
        self.sb.stop()
        db = sqlite3.connect('file:%s?mode=ro' % os.path.join(self.sb.data_dir, 'sandbox.db'),
                             uri=True)
        try:
            self.assertEqual(db.execute('PRAGMA integrity_check').fetchall(), [('ok',)])
            self.assertEqual(db.execute('PRAGMA journal_mode').fetchall(), [('wal',)])
            ids = [r[0] for r in db.execute('SELECT citizen_id FROM citizens')]
            self.assertEqual(sorted(ids), sorted(CITIZENS))
            self.assertEqual(db.execute('SELECT COUNT(*) FROM registrations').fetchall(), [(1,)])
        finally:
            db.close()
        self.assertGreater(restarts, 5)
        self.sb.start()



class RestartSigning(RestartTestCase):
    """Steps 5 and 6 with a restart between every pair of calls."""

    def signing_flow(self, how):
        sb = self.sb
        s = sb.to_activation(AN)
        token = s['token']
        self.bounce(how)

        # Activation: its answer is kept under its Idempotency-Key.
        kak, key = sandbox.Kak(), new_key()
        first = sb.activate(token, kak, key=key)
        a = self.assertEnvelopeOk(first)
        self.bounce(how)
        again = sb.activate(token, kak, key=key)
        self.assertEqual((again.status, again.body), (200, first.body))
        status = self.assertEnvelopeOk(sb.smartca('enrollment/status', token=token))
        self.assertEqual((status['state'], status['credentialId']),
                         ('CERTIFICATE_PENDING', a['credentialId']))
        cid = a['credentialId']

        # The challenge issued before the restart is good after it.
        cert = self.assertEnvelopeOk(sb.certificate(token, kak, cid, a['challenge']))
        self.bounce(how)
        status = self.assertEnvelopeOk(sb.smartca('enrollment/status', token=token))
        self.assertEqual((status['state'], status['acceptanceTranId']),
                         ('ACCEPTANCE_PENDING', cert['tranId']))
        info = self.assertEnvelopeOk(sb.smartca('csc/credentials/info',
                                                {'credentialId': cid, 'certificates': 'single'},
                                                token=token))
        self.assertEqual(info['cert']['certificates'], [cert['certificate']])

        # The waiting record, its document and challenge.
        record = self.assertEnvelopeOk(sb.smartca('ssa/sic/waitingtraninfo',
                                                  {'tranId': cert['tranId']}, token=token))
        self.bounce(how)
        again = self.assertEnvelopeOk(sb.smartca('ssa/sic/waitingtraninfo',
                                                 {'tranId': cert['tranId']}, token=token))
        self.assertEqual(again, record)
        r = sb.confirm(token, kak, cid, cert['tranId'], record['challenge'])
        self.assertEqual(self.assertEnvelopeOk(r)['tranStatus'], 1)
        self.bounce(how)

        # Signed: ACTIVE everywhere, the same signed record every time.
        accepted = self.assertEnvelopeOk(sb.smartca('enrollment/acceptance', token=token))
        self.bounce(how)
        self.assertEqual(self.assertEnvelopeOk(sb.smartca('enrollment/acceptance', token=token)),
                         accepted)
        self.assertEqual(sb.registration(s['vneid_token'], s['registration_id']).json['status'],
                         'ACTIVE')
        r = sb.confirm(token, kak, cid, cert['tranId'], record['challenge'])
        self.assertEnvelopeError(r, 400, 45000)

        # A portal request across restarts.
        tid = sb.portal_signhash(AN, [sha256_b64(b'portal')])
        self.bounce(how)
        waiting = self.assertEnvelopeOk(sb.smartca('ssa/sic/waitingtrans', token=token))
        self.assertEqual([t['tranId'] for t in waiting], [tid])
        r = sb.confirm(token, kak, cid, tid, waiting[0]['challenge'])
        self.assertEqual(self.assertEnvelopeOk(r)['tranStatus'], 1)
        self.bounce(how)
        done = sb.control('GET', 'portal/transactions/{id}', params={'id': tid}).json
        self.assertEqual(done['tranStatus'], 1)
        self.assertIsInstance(done['documents'][0]['sig'], str)

        # A change of device: its OTP, the pending KAK and its confirmation.
        phone = CITIZENS[AN]['phone']
        r = sb.smartca('enrollment/device/otp', token=token)
        self.assertEnvelopeOk(r)
        otp = sb.latest_otp(phone, 'device')
        self.bounce(how)
        new = sandbox.Kak()
        d = self.assertEnvelopeOk(sb.activate(token, new, otp=otp))
        self.bounce(how)
        r = sb.smartca('enrollment/device/confirm',
                       {'credentialId': cid,
                        'sad': sb.sad(new, cid, 'device', d['challenge'])}, token=token)
        self.assertEqual(self.assertEnvelopeOk(r), {'state': 'ACTIVE'})
        self.bounce(how)
        tid = sb.portal_signhash(AN, [sha256_b64(b'after')])
        ch = self.assertEnvelopeOk(sb.smartca('ssa/sic/waitingtrans', token=token))[0]['challenge']
        self.assertEnvelopeError(sb.confirm(token, kak, cid, tid, ch), 400, 45000)
        self.bounce(how)
        r = sb.confirm(token, new, cid, tid, ch)
        self.assertEqual(self.assertEnvelopeOk(r)['tranStatus'], 1)

    def test_sigterm_between_signing_steps(self):
        self.signing_flow('term')

    def test_sigkill_between_signing_steps(self):
        self.signing_flow('kill')

    def test_sigterm_while_the_certificate_is_made(self):
        """A clean stop waits for the key and answers; nothing half-made."""
        sb = self.sb
        s = sb.to_activation(NGOC)
        kak = sandbox.Kak()
        a = self.assertEnvelopeOk(sb.activate(s['token'], kak))
        results = []
        worker = threading.Thread(target=lambda: results.append(
            sb.certificate(s['token'], kak, a['credentialId'], a['challenge'])))
        worker.start()
        time.sleep(0.05)
        self.bounce('term')
        worker.join(30)
        status = self.assertEnvelopeOk(sb.smartca('enrollment/status', token=s['token']))
        if results and isinstance(results[0], sandbox.Reply) and results[0].status == 200:
            self.assertEqual((status['state'], status['acceptanceTranId']),
                             ('ACCEPTANCE_PENDING', results[0].json['content']['tranId']))
        else:
            self.assertEqual(status['state'], 'CERTIFICATE_PENDING')

    def test_sigkill_while_the_certificate_is_made(self):
        """Killed before the commit: no certificate, and the SAD works again."""
        sb = self.sb
        s = sb.to_activation(NHUNG)
        kak = sandbox.Kak()
        a = self.assertEnvelopeOk(sb.activate(s['token'], kak))
        results = []

        def ask():
            try:
                results.append(sb.certificate(s['token'], kak, a['credentialId'],
                                              a['challenge']))
            except Exception as e:  # noqa: BLE001 - the connection dies with the process
                results.append(e)

        worker = threading.Thread(target=ask)
        worker.start()
        time.sleep(0.05)
        self.bounce('kill')
        worker.join(30)
        status = self.assertEnvelopeOk(sb.smartca('enrollment/status', token=s['token']))
        if status['state'] == 'CERTIFICATE_PENDING':
            self.assertEnvelopeOk(sb.certificate(s['token'], kak, a['credentialId'],
                                                 a['challenge']))
        else:
            self.assertEqual(status['state'], 'ACCEPTANCE_PENDING')
        db = sqlite3.connect('file:%s?mode=ro' % os.path.join(sb.data_dir, 'sandbox.db'),
                             uri=True)
        try:
            rows = db.execute('SELECT signing_key IS NULL, certificate IS NULL, '
                              'serial_number IS NULL FROM credentials').fetchall()
            self.assertEqual(rows, [(0, 0, 0)])
            self.assertEqual(db.execute('SELECT COUNT(*) FROM transactions').fetchall(), [(1,)])
        finally:
            db.close()


def undo_version_3(db):
    """Takes a database back to what schema version 2 was (schema-3.sql,
    undone), as an older sandbox left it."""
    for table in ('login_limits', 'smartca_otp_limits'):
        db.execute('DROP TABLE %s' % table)
    db.execute('DROP INDEX transactions_by_ref')
    for table, column in (('otps', 'sealed_session'), ('tokens', 'from_login'),
                          ('idempotency', 'sealed_body'), ('credentials', 'pin_verifier_hash'),
                          ('credentials', 'pin_share'), ('credentials', 'pin_failures'),
                          ('credentials', 'pending_pin_verifier_hash'),
                          ('credentials', 'pending_pin_share')):
        db.execute('ALTER TABLE %s DROP COLUMN %s' % (table, column))
    db.execute('ALTER TABLE citizens ADD COLUMN failed_passwords INTEGER NOT NULL DEFAULT 0')
    db.execute('ALTER TABLE citizens ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0')
    db.execute('PRAGMA user_version = 2')


class SchemaUpgrade(SandboxTestCase):
    """A data directory of schema version 1 (issue #2's sandbox) opens, is
    brought to version 2, and its enrollments go on to ACTIVE."""

    def test_version_1_data_directory(self):
        sb = self.sb
        s = sb.to_activation(BAO)
        with sb.stopped_database() as db:
            # What version 1 had: nothing of versions 2 and 3, no HSM key.
            undo_version_3(db)
            for table in ('transaction_documents', 'transactions', 'challenges', 'credentials'):
                db.execute('DROP TABLE %s' % table)
            db.execute("DELETE FROM meta WHERE key = 'hsm_wrapping_key'")
            db.execute('PRAGMA user_version = 1')
        sb.start()
        self.assertEqual(sb.query('PRAGMA user_version'), [(3,)])
        status = self.assertEnvelopeOk(sb.smartca('enrollment/status', token=s['token']))
        self.assertEqual(status['state'], 'ACTIVATION_PENDING')
        kak = sandbox.Kak()
        a = self.assertEnvelopeOk(sb.activate(s['token'], kak))
        cert = self.assertEnvelopeOk(sb.certificate(s['token'], kak, a['credentialId'],
                                                    a['challenge']))
        info = self.assertEnvelopeOk(sb.smartca('ssa/sic/waitingtraninfo',
                                                {'tranId': cert['tranId']}, token=s['token']))
        r = sb.confirm(s['token'], kak, a['credentialId'], cert['tranId'], info['challenge'])
        self.assertEqual(self.assertEnvelopeOk(r)['tranStatus'], 1)
        self.assertIn('Made a new HSM wrapping key', sb.log_text())

class CitizensFile(SandboxTestCase):
    """--citizens FILE: added where not there yet, and kept after a restart
    without the option."""

    MAI = {
        'citizen_id': '001190012345', 'password': 'Mật khẩu của Mai 2025',
        'full_name': 'Hoàng Thị Mai', 'date_of_birth': '1990-05-17', 'gender': 'female',
        'phone': '0911000222', 'email': None, 'identity_level': 2,
        'place_of_residence': {'province': 'Thành phố Hà Nội', 'ward': 'Phường Hoàn Kiếm',
                               'street': '5 Phố Hàng Bài'},
    }

    def test_citizens_file(self):
        path = os.path.join(self.sb.tmp, 'citizens.json')
        with open(path, 'w', encoding='utf-8') as f:
            json.dump([self.MAI], f, ensure_ascii=False)
        self.sb.stop()
        self.sb.extra_args = ['--citizens', path]
        self.sb.start()
        sandbox.CITIZENS[self.MAI['citizen_id']] = self.MAI
        self.addCleanup(sandbox.CITIZENS.pop, self.MAI['citizen_id'], None)
        token = self.sb.login(self.MAI['citizen_id'], sandbox.nfd(self.MAI['password']))
        r = self.sb.vneid('GET', 'api/v1/userinfo', token=token)
        self.assertEqual((r.status, r.json['full_name'], r.json['email'],
                          r.json['place_of_residence']['district']),
                         (200, 'Hoàng Thị Mai', None, None), r)
        # Twice with the same file: still one Mai, the password unchanged.
        self.sb.restart()
        self.assertTrue(self.sb.alive())
        self.sb.stop()
        self.sb.extra_args = []
        self.sb.start()
        self.sb.login(self.MAI['citizen_id'])
        self.sb.login(AN, PASSWORD)
        self.sb.stop()
        db = sqlite3.connect('file:%s?mode=ro' % os.path.join(self.sb.data_dir, 'sandbox.db'),
                             uri=True)
        try:
            n = db.execute('SELECT COUNT(*) FROM citizens WHERE citizen_id = ?',
                           (self.MAI['citizen_id'],)).fetchall()
            self.assertEqual(n, [(1,)])
            # Passwords only as salted hashes.
            dump = '\n'.join(db.iterdump())
            self.assertNotIn(self.MAI['password'], dump)
            self.assertNotIn(PASSWORD, dump)
            salts = [r[0] for r in db.execute('SELECT password_salt FROM citizens')]
            self.assertEqual(len(set(salts)), len(salts), 'salts are not per citizen')
        finally:
            db.close()
        self.sb.start()


if __name__ == '__main__':
    sandbox.main(title='test_restart')
