#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 14's figures, below the session: signing the citizen's own PDFs
with enr-sign-tool (tests/sign) against a real sandbox's TSA, a test-pki key
standing in for SmartCA's remote signature.

  - 1 and 20 documents: the wall time of each part (median of 3 runs): the
    local PDF work (prepare and hash, assemble and write, check the output),
    the TSA (every time stamp asked at once), and the stand-in signature
    (the session adds the PIN guard and SmartCA's own signing);
  - a 100-page, 20 MB PDF: the peak RSS of signing and checking it, against
    that of a one-page PDF: the file is held once (mapped), never copied.

Prints one JSON object per figure (tests/bench/run.py).
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else '_build')
SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(BUILD, 'tests', 'sign', 'enr-sign-tool')
os.environ.setdefault('SMARTCA_SANDBOX', os.path.join(BUILD, 'src', 'sandbox', 'smartca-sandbox'))
sys.path.insert(0, os.path.join(SOURCE, 'tests', 'sandbox'))
import sandbox  # noqa: E402

ENV = dict(os.environ, LC_ALL='C.UTF-8')
RUNS = 3


def figure(name, value, unit, how, goal=None, passed=None):
    print(json.dumps({'figure': name, 'value': value, 'unit': unit, 'how': how,
                      'goal': goal, 'pass': passed}), flush=True)


def tool(*args):
    out = subprocess.run([TOOL] + list(args), env=ENV, check=True, capture_output=True)
    return json.loads(out.stdout) if out.stdout.strip().startswith(b'{') else None


def main():
    sb = sandbox.Sandbox()
    tmp = tempfile.mkdtemp(prefix='bench-sign-')
    try:
        common = ['--pki-dir', os.path.join(tmp, 'pki'), '--tsa-url', sb.info['tsa_url'],
                  '--tsa-root', sb.info['trust_anchor']]
        for count in (1, 20):
            runs = []
            for r in range(RUNS):
                d = os.path.join(tmp, 'n%d-%d' % (count, r))
                os.mkdir(d)
                files = []
                for i in range(count):
                    f = os.path.join(d, 'doc%d.pdf' % i)
                    tool('make-pdf', '--pages', '3', f)
                    files.append(f)
                result = tool('sign', *common, *files)
                assert result['valid'], result
                runs.append(result['ms'])
            how = 'median of %d, 3-page PDFs, one TSA request per document, all at once' % RUNS
            for part, label in (('local_pdf', 'local PDF work (prepare, write, check)'),
                                ('prepare', 'of which prepare and hash'),
                                ('write', 'of which CMS and atomic write'),
                                ('check', 'of which the check of the output'),
                                ('tsa', 'TSA (RFC 3161 over HTTPS, sandbox)'),
                                ('remote_signature', 'stand-in signature (local RSA-2048)')):
                figure('sign %d document%s: %s' % (count, 's' if count > 1 else '', label),
                       statistics.median(r[part] for r in runs), 'ms', how)

        # Memory: the large file is mapped once and never copied.
        small = os.path.join(tmp, 'small.pdf')
        big = os.path.join(tmp, 'big.pdf')
        tool('make-pdf', '--pages', '1', small)
        tool('make-pdf', '--pages', '100', '--megabytes', '20', big)
        size_mib = os.path.getsize(big) / 1048576
        rss_small = tool('sign', *common, small)['max_rss_kib'] / 1024
        result = tool('sign', *common, big)
        rss_big = result['max_rss_kib'] / 1024
        extra = rss_big - rss_small
        figure('sign and check a 100-page %.1f MiB PDF: peak RSS' % size_mib, rss_big, 'MiB',
               'max RSS of the process (a 1-page PDF: %.1f MiB)' % rss_small)
        figure('sign and check a 100-page PDF: peak RSS above a 1-page PDF, per file size',
               extra / size_mib, 'x', 'the file is held once, mapped',
               '<= 1.25', extra / size_mib <= 1.25)
        figure('sign a 100-page %.1f MiB PDF: local PDF work' % size_mib,
               result['ms']['local_pdf'], 'ms', 'prepare %.0f + write %.0f + check %.0f ms' % (
                   result['ms']['prepare'], result['ms']['write'], result['ms']['check']))
    finally:
        sb.close()
        shutil.rmtree(tmp, True)


if __name__ == '__main__':
    main()
