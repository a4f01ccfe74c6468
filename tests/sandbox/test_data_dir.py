# SPDX-License-Identifier: GPL-3.0-or-later
"""PROTOCOL.md rev 2, "The sandbox": the data directory and every directory
in it 0700, every file 0600 (the database and its -wal and -shm included),
whatever the umask and whatever was there before; and an old data directory
(schema version 2, files 0644) brought up to date on start."""

import os
import stat

import sandbox
from sandbox import AN, BAO, Kak, Sandbox, SandboxTestCase
from test_restart import undo_version_3


def modes(root):
    """{relative path: mode} of @root and everything below it."""
    found = {'.': stat.S_IMODE(os.lstat(root).st_mode)}
    for top, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(top, name)
            found[os.path.relpath(path, root)] = stat.S_IMODE(os.lstat(path).st_mode)
    return found


def open_up(root):
    """What an older sandbox, or a careless copy, leaves: 0755 and 0644."""
    os.chmod(root, 0o755)
    for top, dirs, files in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(top, name), 0o755)
        for name in files:
            os.chmod(os.path.join(top, name), 0o644)


class DataDirectory(SandboxTestCase):

    def assertPrivate(self, root):
        found = modes(root)
        for path, mode in sorted(found.items()):
            wanted = 0o700 if os.path.isdir(os.path.join(root, path)) else 0o600
            self.assertEqual(oct(mode), oct(wanted), path)
        return found

    def test_a_new_data_directory_under_an_open_umask(self):
        parent = os.path.join(self.sb.tmp, 'new', 'parent')
        sb = Sandbox(template=False, data_dir=os.path.join(parent, 'data'), start=False)
        self.addCleanup(sb.close)
        sb.umask = 0
        sb.start()
        sb.login(AN)
        found = self.assertPrivate(sb.data_dir)
        for name in ('sandbox.db', 'sandbox.db-wal', 'sandbox.db-shm', 'ca', 'ca/root.pem',
                     'ca/root.key', 'ca/rs.pem', 'ca/tls.pem'):
            self.assertIn(name, found)
        # The directories it made above the data directory too.
        self.assertEqual(stat.S_IMODE(os.stat(parent).st_mode), 0o700)
        sb.stop()
        self.assertPrivate(sb.data_dir)

    def test_an_existing_directory_is_mended(self):
        self.sb.stop()
        open_up(self.sb.data_dir)
        self.sb.umask = 0o022
        self.sb.start()
        self.assertPrivate(self.sb.data_dir)


class OldDataDirectory(SandboxTestCase):
    """A data directory of today's sandbox before revision 2: schema version
    2, files 0644. It opens, its database is brought to version 3 and its
    files to 0600, and a credential activated then has no PIN guard."""

    def test_version_2_data_directory(self):
        sb = self.sb
        s = sb.to_active(AN)
        with sb.stopped_database() as db:
            undo_version_3(db)
            # Two wrong passwords, as version 2 counted them.
            db.execute('UPDATE citizens SET failed_passwords = 2 WHERE citizen_id = ?', (BAO,))
        open_up(sb.data_dir)
        sb.start()
        self.assertEqual(sb.query('PRAGMA user_version'), [(3,)])
        for rel, mode in modes(sb.data_dir).items():
            self.assertEqual(mode, 0o700 if os.path.isdir(os.path.join(sb.data_dir, rel))
                             else 0o600, rel)
        # The tokens of version 2 still work, but none is fresh.
        status = self.assertEnvelopeOk(sb.smartca('enrollment/status', token=s['token']))
        self.assertEqual(status['state'], 'ACTIVE')
        self.assertEnvelopeError(sb.smartca('enrollment/device/otp', token=s['token']), 403,
                                 40300)
        r = sb.pin_verify(s['token'], s['credential_id'], s['kak'].pin_verifier_b64)
        self.assertEqual(self.assertEnvelopeError(r, 409, 40900), {'state': 'ACTIVE'})
        # The password count carried over.
        r = sb.password_grant(BAO, 'sai')
        self.assertEqual(self.assertOAuthError(r, 400, 'invalid_grant')['attempts_left'], 2)
        # A new hand-off, a change of device: the credential gets its guard.
        sb.relogin(s)
        new = Kak()
        a = sb.change_device(s, new, AN)
        self.assertEnvelopeOk(sb.confirm_device(s, new, a['challenge']))
        r = sb.pin_verify(s['token'], s['credential_id'], new.pin_verifier_b64)
        self.assertEqual(self.assertEnvelopeOk(r), {'pinShare': a['pinShare']})


if __name__ == '__main__':
    sandbox.main(title='test_data_dir')
