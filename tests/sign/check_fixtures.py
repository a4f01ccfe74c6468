# SPDX-License-Identifier: GPL-3.0-or-later
"""Signed PDFs for the tests of "Check a Signed Document…" (issue 14), made
the way test_sign.py makes them: enr-sign-tool signs with a test-pki key
in SmartCA's place and time-stamps at a real sandbox's TSA, and pdfsig
signs with NSS under a root of its own.

  check_fixtures.py DIR [PROGRAM ARGS...]

writes into DIR (emptied first):
  unsigned.pdf    no signature
  bt.pdf          PAdES B-T: a valid time stamp, the trusted time
  bb.pdf          B-B: only the time the signer's computer claims
  twice.pdf       two citizens in turn: the first "changed only by later signatures"
  tampered.pdf    twice.pdf with a byte both signatures cover flipped
  nss.pdf         signed by pdfsig (NSS) under "Other Signing Root"
  not-a-pdf.pdf   text with a .pdf name
  trust.pem       bt.pdf's and twice.pdf's test PKI's root and the TSA's
  trust-bb.pem    bb.pdf's test PKI's root
  other.pem       "Other Signing Root" alone (nss.pdf's)
then, given one, runs PROGRAM ARGS... with ENR_CHECK_FIXTURES=DIR, passes its
output on and exits with its status (a TAP test's driver).

Needs ENR_SIGN_TOOL and SMARTCA_SANDBOX (as tests/sign/meson.build sets).
"""

import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'sandbox'))
import sandbox  # noqa: E402

ENV = dict(os.environ, LC_ALL='C.UTF-8')


def run(args, **kwargs):
    r = subprocess.run(args, capture_output=True, env=ENV, **kwargs)
    if r.returncode != 0:
        # What the tool said, in the test's log.
        sys.stderr.write(r.stderr.decode(errors='replace'))
        r.check_returncode()
    return r


def sign(tool, pki_dir, doc, *extra):
    run([tool, 'sign', '--pki-dir', pki_dir] + list(extra) + [doc])


def nss_sign(directory, doc, out):
    """A signature made elsewhere: NSS's BER CMS, adbe.pkcs7.detached, no time
    stamp, by "Lê Văn Khác" under "Other Signing Root" (DIR/other/ca.pem, and
    trusted in the NSS database DIR/other/nss, which holds the signer's key)."""
    d = os.path.join(directory, 'other')
    os.makedirs(d, exist_ok=True)
    p = lambda name: os.path.join(d, name)  # noqa: E731
    with open(p('ext.cnf'), 'w') as f:
        f.write('[leaf]\nbasicConstraints=critical,CA:FALSE\n'
                'keyUsage=critical,digitalSignature,nonRepudiation\n'
                'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n')
    run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'),
         '-out', p('ca.pem'), '-days', '30', '-subj', '/C=VN/O=Other/CN=Other Signing Root',
         '-addext', 'basicConstraints=critical,CA:TRUE',
         '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
    run(['openssl', 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('leaf.key'),
         '-out', p('leaf.csr'), '-utf8', '-subj', '/C=VN/CN=Lê Văn Khác/UID=CCCD:001099000003'])
    run(['openssl', 'x509', '-req', '-in', p('leaf.csr'), '-CA', p('ca.pem'), '-CAkey',
         p('ca.key'), '-CAcreateserial', '-out', p('leaf.pem'), '-days', '30',
         '-extfile', p('ext.cnf'), '-extensions', 'leaf'])
    run(['openssl', 'pkcs12', '-export', '-inkey', p('leaf.key'), '-in', p('leaf.pem'),
         '-certfile', p('ca.pem'), '-name', 'signer', '-out', p('leaf.p12'), '-passout', 'pass:'])
    db = p('nss')
    os.makedirs(db, exist_ok=True)
    run(['certutil', '-N', '-d', 'sql:' + db, '--empty-password'])
    run(['pk12util', '-i', p('leaf.p12'), '-d', 'sql:' + db, '-W', ''])
    # Trusted in the database, for a pdfsig that checks what it signed.
    run(['certutil', '-A', '-d', 'sql:' + db, '-n', 'otherca', '-t', 'CT,C,C', '-a',
         '-i', p('ca.pem')])
    run(['pdfsig', '-add-signature', '-nssdir', 'sql:' + db, '-nick', 'signer', doc, out])
    shutil.copy(p('ca.pem'), os.path.join(directory, 'other.pem'))


def make(directory):
    tool = os.environ['ENR_SIGN_TOOL']
    # Made anew each run: certutil and pdfsig refuse to write over their own.
    shutil.rmtree(directory, True)
    os.makedirs(directory)
    path = lambda name: os.path.join(directory, name)  # noqa: E731
    unsigned = path('unsigned.pdf')
    run([tool, 'make-pdf', '--pages', '2', '--megabytes', '0', unsigned])

    # Each signing run makes a test PKI of its own: B-T and twice signed in
    # one run (its first signer's file is B-T), B-B in another.
    shutil.copy(unsigned, path('doc.pdf'))
    with sandbox.Sandbox() as sb:
        sign(tool, path('pki'), path('doc.pdf'), '--signers', '2',
             '--tsa-url', sb.info['tsa_url'], '--tsa-root', sb.info['trust_anchor'])
    os.replace(path('doc-signed.pdf'), path('bt.pdf'))
    os.replace(path('doc-signed-2.pdf'), path('twice.pdf'))
    # trust.pem holds the test PKI's root and the TSA's.
    shutil.copy(path('pki/trust.pem'), path('trust.pem'))
    shutil.copy(unsigned, path('doc.pdf'))
    sign(tool, path('pki-bb'), path('doc.pdf'))
    os.replace(path('doc-signed.pdf'), path('bb.pdf'))
    shutil.copy(path('pki-bb/trust.pem'), path('trust-bb.pem'))
    os.remove(path('doc.pdf'))

    with open(path('twice.pdf'), 'rb') as f:
        data = bytearray(f.read())
    # In the first page's content, far from either /Contents.
    data[200] ^= 0x01
    with open(path('tampered.pdf'), 'wb') as f:
        f.write(data)

    nss_sign(directory, unsigned, path('nss.pdf'))
    with open(path('not-a-pdf.pdf'), 'w') as f:
        f.write('This is a letter, not a PDF.\n')


def main():
    directory = os.path.abspath(sys.argv[1])
    make(directory)
    if len(sys.argv) > 2:
        env = dict(os.environ, ENR_CHECK_FIXTURES=directory)
        sys.stdout.flush()
        sys.exit(subprocess.run(sys.argv[2:], env=env).returncode)


if __name__ == '__main__':
    main()
