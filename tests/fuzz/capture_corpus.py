#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Seeds for the reply fuzzer: real answers of a real smartca-sandbox.

Walks a citizen through every call the program makes, with the errors it
must understand, and writes the body of every answer, as the service sent
it, to one file each in OUTDIR, and the PDFs those answers carry (the
contract and the acceptance record, prepared and signed) to PDFDIR, the
seeds of the PDF-signature fuzzer:

  SMARTCA_SANDBOX=… PYTHONPATH=tests/sandbox tests/fuzz/capture_corpus.py OUTDIR [PDFDIR]

CI runs it before each fuzzing run, so the seeds follow the protocol as the
sandbox speaks it today; tests/fuzz/corpus/replies keeps one such capture.
"""

import base64
import json
import os
import re
import sys

import sandbox
from sandbox import CITIZENS, Sandbox, new_key

AN = '001093000001'
NGOC = '079301000123'
LEVEL1 = '092099001122'


def pdfs_in(node):
    """Every PDF a reply carries (dataBase64 members), decoded."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == 'dataBase64' and isinstance(value, str):
                data = base64.b64decode(value)
                if data.startswith(b'%PDF-'):
                    yield data
            else:
                yield from pdfs_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from pdfs_in(item)


class Capture:
    def __init__(self, sb, outdir, pdfdir=None):
        self.sb = sb
        self.outdir = outdir
        self.pdfdir = pdfdir
        self.count = 0

    def keep(self, name, reply):
        """Writes @reply's body as the service sent it, and the PDFs in it
        (contracts, acceptance records; prepared and signed) to @pdfdir;
        returns @reply."""
        if reply.body:
            self.count += 1
            safe = re.sub(r'[^a-z0-9-]+', '-', name.lower()).strip('-')
            path = os.path.join(self.outdir, '%03d-%s-%d.json' % (self.count, safe, reply.status))
            with open(path, 'wb') as f:
                f.write(reply.body)
            if self.pdfdir is not None:
                try:
                    found = list(pdfs_in(json.loads(reply.body)))
                except ValueError:
                    found = []
                for i, pdf in enumerate(found):
                    with open(path.replace(self.outdir, self.pdfdir) + '.%d.pdf' % i, 'wb') as f:
                        f.write(pdf)
        return reply


def capture(sb, cap):
    keep = cap.keep
    phone = CITIZENS[AN]['phone']

    # Step 1a: the QR login, pending, approved, denied.
    d = keep('device-authorization', sb.device_authorization()).json
    keep('device-pending', sb.device_poll(d['device_code']))
    keep('device-slow-down', sb.device_poll(d['device_code']))
    sb.approve(d['user_code'], NGOC)
    keep('device-tokens', sb.device_poll(d['device_code']))
    keep('device-used', sb.device_poll(d['device_code']))
    d = sb.device_authorization().json
    sb.deny(d['user_code'], NGOC)
    keep('device-denied', sb.device_poll(d['device_code']))

    # Step 1b: the password and the OTP, right and wrong.
    keep('password-wrong', sb.password_grant(AN, 'sai-mat-khau'))
    r = keep('otp-required', sb.password_grant(AN))
    otp = sb.latest_otp(phone, 'vneid-login')
    wrong = '%06d' % ((int(otp) + 1) % 1000000)
    keep('otp-invalid', sb.otp_grant(r.json['otp_session'], wrong))
    token = keep('otp-tokens', sb.otp_grant(r.json['otp_session'], otp)).json['access_token']
    for _ in range(5):
        sb.password_grant(LEVEL1, 'sai-mat-khau')
    keep('account-locked', sb.password_grant(LEVEL1))

    # Steps 1-3: identity, registration, hand-off, SmartCA tokens.
    keep('userinfo', sb.vneid('GET', 'api/v1/userinfo', token=token))
    keep('userinfo-bad-token', sb.vneid('GET', 'api/v1/userinfo', token='x' * 43))
    keep('consent-required', sb.register(token, body=sandbox.registration_body(
        share_identity=False)))
    reg = keep('registration-created', sb.register(token)).json
    keep('registration-existing', sb.register(token, key=new_key()))
    rid = reg['registration_id']
    keep('registration', sb.registration(token, rid))
    keep('registration-not-found', sb.registration(token, new_key()))
    code = keep('handoff', sb.handoff(token, rid)).json['code']
    tokens = keep('smartca-token', sb.smartca_token(code)).json
    keep('smartca-token-used', sb.smartca_token(code))
    tokens = keep('smartca-refresh', sb.smartca_refresh(tokens['refresh_token'])).json
    at = tokens['access_token']

    # SmartCA's envelope, in success and in every failure it has.
    keep('smartca-userinfo', sb.smartca('identityapi/userinfo/info', {}, token=at))
    keep('status-syncing', sb.smartca('enrollment/status', token=at))
    keep('contract-too-early', sb.smartca('enrollment/contract', token=at))
    keep('unauthenticated', sb.smartca('enrollment/status', token='x' * 43))
    keep('unknown-path', sb.smartca('no/such/call', token=at))
    keep('bad-input', sb.smartca('enrollment/contract/otp', {'contractId': 7}, token=at))
    sb.wait_state(at, 'CONTRACT_PENDING')
    keep('status-contract', sb.smartca('enrollment/status', token=at))

    # Step 4: the contract, its OTP, a wrong OTP, a wrong hash, the signature.
    contract = keep('contract', sb.smartca('enrollment/contract', token=at)).json['content']
    cid = contract['contractId']
    keep('contract-otp', sb.smartca('enrollment/contract/otp', {'contractId': cid}, token=at))
    keep('contract-otp-too-soon', sb.smartca('enrollment/contract/otp', {'contractId': cid},
                                             token=at))
    otp = sb.latest_otp(phone, 'contract')
    wrong = '%06d' % ((int(otp) + 1) % 1000000)
    keep('contract-otp-wrong', sb.sign(at, cid, wrong, contract['hash']))
    keep('contract-hash-mismatch', sb.sign(at, cid, otp, sandbox.sha256_b64(b'other')))
    keep('contract-signed', sb.sign(at, cid, otp, contract['hash']))
    keep('status-activation', sb.smartca('enrollment/status', token=at))
    keep('credentials-empty', sb.smartca('csc/credentials/list', {}, token=at))
    keep('waiting-empty', sb.smartca('ssa/sic/waitingtrans', {}, token=at))

    # Step 5: activation (twice: the second replaces the KAK), the certificate.
    kak = sandbox.Kak()
    keep('activate', sb.activate(at, kak))
    a = keep('activate-again', sb.activate(at, kak)).json['content']
    cred = a['credentialId']
    keep('status-certificate', sb.smartca('enrollment/status', token=at))
    keep('certificate-bad-sad', sb.smartca('enrollment/certificate',
                                           {'credentialId': cred, 'sad': 'e30.e30.e30'},
                                           token=at))
    issued = keep('certificate', sb.certificate(at, kak, cred, a['challenge'])).json['content']
    tran = issued['tranId']
    keep('status-acceptance', sb.smartca('enrollment/status', token=at))
    keep('acceptance-too-early', sb.smartca('enrollment/acceptance', token=at))

    # The acceptance record, a waiting transaction: listed, read, refused, confirmed.
    keep('waiting', sb.smartca('ssa/sic/waitingtrans', {}, token=at))
    info = keep('waitingtraninfo', sb.smartca('ssa/sic/waitingtraninfo', {'tranId': tran},
                                              token=at)).json['content']
    keep('waitingtraninfo-unknown', sb.smartca('ssa/sic/waitingtraninfo', {'tranId': new_key()},
                                               token=at))
    keep('signconfirm-bad-sad', sb.confirm(at, kak, cred, tran, info['challenge'],
                                           sad='e30.e30.e30'))
    keep('signconfirm', sb.confirm(at, kak, cred, tran, info['challenge']))
    keep('acceptance', sb.smartca('enrollment/acceptance', token=at))
    keep('status-active', sb.smartca('enrollment/status', token=at))

    # Step 6 and after: credentials, VNeID's view, a portal request, the device OTP.
    keep('credentials', sb.smartca('csc/credentials/list', {}, token=at))
    keep('credential-info', sb.smartca('csc/credentials/info',
                                       {'credentialId': cred, 'certificates': 'chain',
                                        'certInfo': True, 'authInfo': True}, token=at))
    keep('registration-active', sb.registration(token, rid))
    portal = sb.portal_signhash(AN, [sandbox.sha256_b64(b'ho so')])
    keep('waiting-portal', sb.smartca('ssa/sic/waitingtrans', {}, token=at))
    keep('waitingtraninfo-hash', sb.smartca('ssa/sic/waitingtraninfo', {'tranId': portal},
                                            token=at))
    keep('signreject', sb.smartca('ssa/sic/signreject', {'tranId': portal}, token=at))
    keep('gettraninfo', sb.smartca('csc/credentials/gettraninfo', {'tranId': portal}, token=at))
    keep('device-otp', sb.smartca('enrollment/device/otp', token=at))

    # Revocation closes the session.
    keep('smartca-revoke', sb.smartca('auth/revoke', form={'token': at,
                                                           'client_id': sandbox.CLIENT_ID}))
    keep('vneid-revoke', sb.vneid('POST', 'oauth/revoke', form={'token': token,
                                                                'client_id': sandbox.CLIENT_ID}))


def main():
    outdir = sys.argv[1]
    pdfdir = sys.argv[2] if len(sys.argv) > 2 else None
    os.makedirs(outdir, exist_ok=True)
    if pdfdir is not None:
        os.makedirs(pdfdir, exist_ok=True)
    with Sandbox(sync_delay_ms=200) as sb:
        cap = Capture(sb, outdir, pdfdir)
        capture(sb, cap)
    print('%d replies captured in %s' % (cap.count, outdir))
    return 0


if __name__ == '__main__':
    sys.exit(main())
