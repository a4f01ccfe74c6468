#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`smartca-enroll --check FILE --json`, as an integrator's script runs it:
no display, one JSON object on stdout, exit 0 only when every signature is
valid and trusted, 1 when not, 2 for a file that cannot be read as a PDF.

  test_check_cli.py SMARTCA_ENROLL

over the PDFs of tests/sign/check_fixtures.py in $ENR_CHECK_FIXTURES. Prints TAP.
"""

import json
import os
import subprocess
import sys

PROGRAM = sys.argv[1]
FIXTURES = os.environ['ENR_CHECK_FIXTURES']
# No display at all: the check must not need one.
ENV = {k: v for k, v in os.environ.items() if k not in ('DISPLAY', 'WAYLAND_DISPLAY')}
results = []


def check(ok, name, detail=''):
    results.append((bool(ok), name, detail))


def run(pdf, anchor=None, *extra):
    args = [PROGRAM, '--check', os.path.join(FIXTURES, pdf), '--json'] + list(extra)
    if anchor is not None:
        args += ['--signing-trust-anchor', os.path.join(FIXTURES, anchor)]
    r = subprocess.run(args, capture_output=True, env=ENV, timeout=120)
    report = None
    if r.stdout.strip():
        try:
            report = json.loads(r.stdout)
        except ValueError:
            pass
    return r, report


def fields(report, name):
    return [s[name] for s in report['signatures']] if report else None


r, report = run('bt.pdf', 'trust.pem')
check(r.returncode == 0 and report and report['valid'], 'B-T: exit 0, valid',
      r.stderr.decode() + r.stdout.decode())
sig = report['signatures'][0] if report else {}
check(sig.get('signer') == 'Nguyễn Văn An' and sig.get('citizenId') == '001******001' and
      sig.get('issuer') == 'SmartCA Test RS', 'B-T: who signed, the ID masked, the CA', sig)
check(sig.get('timeSource') == 'trusted' and sig.get('timestamp') == 'valid' and
      sig.get('time', '').endswith('+07:00'), 'B-T: a trusted time, in Vietnam time', sig)
check((sig.get('integrity'), sig.get('change'), sig.get('trust'), sig.get('valid')) ==
      ('intact', 'unchanged', 'trusted', True), 'B-T: the verdicts by their stable names', sig)
check(report and report['file'] == os.path.join(FIXTURES, 'bt.pdf'), 'the file is named',
      report)

r, report = run('twice.pdf', 'trust.pem')
check(r.returncode == 0 and fields(report, 'change') == ['only-signatures', 'unchanged'],
      'twice signed: exit 0, the first changed only by the second', r.stdout.decode())

r, report = run('nss.pdf', 'other.pem')
check(r.returncode == 0 and fields(report, 'subFilter') == ['adbe.pkcs7.detached'] and
      fields(report, 'timeSource') == ['claimed'],
      'signed by pdfsig (NSS): exit 0, a claimed time', r.stdout.decode())

r, report = run('tampered.pdf', 'trust.pem')
check(r.returncode == 1 and fields(report, 'integrity') == ['altered', 'altered'] and
      report['valid'] is False, 'tampered: exit 1, both altered', r.stdout.decode())

r, report = run('bt.pdf', 'other.pem')
check(r.returncode == 1 and fields(report, 'trust') == ['untrusted'],
      'a root not trusted: exit 1, untrusted', r.stdout.decode())

r, report = run('unsigned.pdf', 'trust.pem')
check(r.returncode == 1 and report == {'file': os.path.join(FIXTURES, 'unsigned.pdf'),
                                       'valid': False, 'signatures': []},
      'unsigned: exit 1, no signatures', r.stdout.decode())

r, report = run('not-a-pdf.pdf', 'trust.pem')
check(r.returncode == 2 and not r.stdout and 'not-a-pdf.pdf' in r.stderr.decode(),
      'not a PDF: exit 2, nothing on stdout, the file named on stderr',
      (r.returncode, r.stdout, r.stderr))

r, report = run('gone.pdf', 'trust.pem')
check(r.returncode == 2 and 'gone.pdf' in r.stderr.decode(), 'a missing file: exit 2',
      (r.returncode, r.stderr))

r = subprocess.run([PROGRAM, '--json'], capture_output=True, env=ENV, timeout=60)
check(r.returncode == 2 and b'--check' in r.stderr, '--json alone is refused', r.stderr)

print('1..%d' % len(results))
for i, (ok, name, detail) in enumerate(results, 1):
    print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
    if not ok:
        for line in repr(detail).splitlines():
            print('# ' + line)
sys.exit(0 if all(ok for ok, _, _ in results) else 1)
