# SPDX-License-Identifier: GPL-3.0-or-later
"""PROTOCOL.md rev 2: SmartCA OTPs counted per citizen, the fifth wrong one
revoking the citizen's SmartCA tokens; and a change of device only with a
token from a VNeID hand-off less than 15 minutes old."""

import sandbox
from sandbox import AN, CITIZENS, NGOC, NHUNG, Kak, SandboxTestCase


S = 'POST SMARTCA/'
LIMITS_REQUIRED = [
    (S + 'enrollment/contract/sign', 403, 44002),
    (S + 'enrollment/activate', 403, 40300),
    (S + 'enrollment/device/otp', 403, 40300),
]


def wrong(otp):
    return '%06d' % ((int(otp) + 1) % 1000000)


class SmartcaOtps(SandboxTestCase):

    def sign(self, s, otp):
        c = s['contract']
        return self.sb.sign(s['token'], c['contractId'], otp, c['hash'])

    def new_code(self, s, citizen_id):
        self.sb.advance(61)
        return self.sb.contract_otp(s['token'], s['contract']['contractId'], citizen_id)

    def test_wrong_otps_count_per_citizen_across_codes(self):
        s = self.sb.to_contract(AN)
        otp = self.sb.contract_otp(s['token'], s['contract']['contractId'], AN)
        for left in (4, 3):
            self.assertEqual(self.assertEnvelopeError(self.sign(s, wrong(otp)), 400, 44000),
                             {'attemptsLeft': left})
        # A new code does not start the count again.
        otp = self.new_code(s, AN)
        self.assertEqual(self.assertEnvelopeError(self.sign(s, wrong(otp)), 400, 44000),
                         {'attemptsLeft': 2})
        # A right one does.
        self.assertEnvelopeOk(self.sign(s, otp))
        self.assertEnvelopeOk(self.sb.smartca('enrollment/status', token=s['token']))

    def test_right_otp_resets_the_count(self):
        s = self.sb.to_active(NGOC)
        phone = CITIZENS[NGOC]['phone']
        self.assertEnvelopeOk(self.sb.smartca('enrollment/device/otp', token=s['token']))
        otp = self.sb.latest_otp(phone, 'device')
        r = self.sb.activate(s['token'], Kak(), otp=wrong(otp))
        self.assertEqual(self.assertEnvelopeError(r, 400, 44000), {'attemptsLeft': 4})
        self.assertEnvelopeOk(self.sb.activate(s['token'], Kak(), otp=otp))
        self.sb.advance(61)
        self.assertEnvelopeOk(self.sb.smartca('enrollment/device/otp', token=s['token']))
        otp = self.sb.latest_otp(phone, 'device')
        r = self.sb.activate(s['token'], Kak(), otp=wrong(otp))
        self.assertEqual(self.assertEnvelopeError(r, 400, 44000), {'attemptsLeft': 4})

    def test_fifth_wrong_otp_revokes_every_smartca_token_of_the_citizen(self):
        s = self.sb.to_contract(NHUNG)
        # A second SmartCA login of the same citizen: revoked too.
        other = dict(s)
        self.sb.relogin(other)
        otp = self.sb.contract_otp(s['token'], s['contract']['contractId'], NHUNG)
        for _ in range(3):
            self.assertEnvelopeError(self.sign(s, wrong(otp)), 400, 44000)
        otp = self.new_code(s, NHUNG)
        self.assertEnvelopeError(self.sign(s, wrong(otp)), 400, 44000)
        self.assertEnvelopeError(self.sign(s, wrong(otp)), 403, 44002)
        for token in (s['token'], other['token']):
            r = self.sb.smartca('enrollment/status', token=token)
            self.assertEnvelopeError(r, 401, 40100)
        for refresh in (s['refresh_token'], other['refresh_token']):
            self.assertOAuthError(self.sb.smartca_refresh(refresh), 400, 'invalid_grant')
        # VNeID's token is not SmartCA's: a new hand-off goes on, and the
        # count starts again.
        self.sb.relogin(s)
        otp = self.new_code(s, NHUNG)
        self.assertEqual(self.assertEnvelopeError(self.sign(s, wrong(otp)), 400, 44000),
                         {'attemptsLeft': 4})


class FreshLogin(SandboxTestCase):

    def device_otp(self, s):
        return self.sb.smartca('enrollment/device/otp', token=s['token'])

    def test_a_token_from_a_refresh_token_cannot_change_the_device(self):
        s = self.sb.to_active(AN)
        t = self.sb.smartca_refresh(s['refresh_token'])
        refreshed = self.assertSmartcaTokens(t)['access_token']
        r = self.sb.smartca('enrollment/device/otp', token=refreshed)
        self.assertEnvelopeError(r, 403, 40300)
        # Nor step 2, with a code sent to a fresh login.
        self.assertEnvelopeOk(self.device_otp(s))
        otp = self.sb.latest_otp(CITIZENS[AN]['phone'], 'device')
        r = self.sb.activate(refreshed, Kak(), otp=otp)
        self.assertEnvelopeError(r, 403, 40300)
        # The code is still good for the fresh token.
        self.assertEnvelopeOk(self.sb.activate(s['token'], Kak(), otp=otp))

    def test_a_hand_off_older_than_15_minutes_is_not_fresh(self):
        s = self.sb.to_active(NGOC)
        self.sb.advance(14 * 60)
        self.assertEnvelopeOk(self.device_otp(s))
        otp = self.sb.latest_otp(CITIZENS[NGOC]['phone'], 'device')
        self.sb.advance(61)
        self.assertEnvelopeError(self.device_otp(s), 403, 40300)
        self.assertEnvelopeError(self.sb.activate(s['token'], Kak(), otp=otp), 403, 40300)
        # A new VNeID login and hand-off make it fresh again.
        s['vneid_token'] = self.sb.login(NGOC)
        self.sb.relogin(s)
        self.assertEnvelopeOk(self.sb.activate(s['token'], Kak(), otp=otp))


if __name__ == '__main__':
    sandbox.main(LIMITS_REQUIRED, 'test_smartca_limits')
