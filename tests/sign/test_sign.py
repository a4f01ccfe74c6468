# SPDX-License-Identifier: GPL-3.0-or-later
"""Signing and checking the citizen's own documents (issue 14), below the
session, against real tools: enr-sign-tool signs with a test-pki key in
SmartCA's place and time-stamps at a real sandbox's TSA; pdfsig (poppler,
NSS) must find every signature valid and trusted, openssl must verify the
time-stamp token and the CMS, a second signature must leave the first
valid, a tampered byte must be told, a PDF signed by pdfsig must check, an
encrypted or damaged PDF must be refused with nothing written, and the
signed page rendered by pdftoppm must show in the box what cairo drew."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'sandbox'))
sys.path.insert(0, os.path.dirname(__file__))
import check_fixtures  # noqa: E402
import pdf_fixtures  # noqa: E402
import sandbox  # noqa: E402

TOOL = os.environ.get('ENR_SIGN_TOOL')
ENV = dict(os.environ, LC_ALL='C.UTF-8')
LINES = ['Ký bởi: Nguyễn Văn An', 'Ngày ký: 06/12/2026 10:00 (giờ Việt Nam)',
         'Lý do: Đồng ý — Nơi ký: Hà Nội']


def run(args, check=True, **kwargs):
    return subprocess.run(args, capture_output=True, env=ENV, check=check, **kwargs)


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def split_pem(path, prefix):
    text = read(path).decode()
    blocks = re.findall(r'-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----', text, re.S)
    paths = []
    for i, block in enumerate(blocks):
        p = '%s-%d.pem' % (prefix, i)
        with open(p, 'w') as f:
            f.write(block + '\n')
        paths.append(p)
    return paths


def asn1_rows(path):
    out = run(['openssl', 'asn1parse', '-inform', 'DER', '-in', path]).stdout.decode()
    rows = []
    for line in out.splitlines():
        m = re.match(r'\s*(\d+):d=\s*(\d+)\s+hl=\s*(\d+)\s+l=\s*(\d+)', line)
        rows.append((int(m[1]), int(m[2]), int(m[3]), int(m[4]), line))
    return rows


class SignTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.sb = sandbox.Sandbox()
        cls.tmp = tempfile.mkdtemp(prefix='signtests-')
        cls.tsa_url = cls.sb.info['tsa_url']
        cls.tsa_root = cls.sb.info['trust_anchor']

    @classmethod
    def tearDownClass(cls):
        cls.sb.close()
        shutil.rmtree(cls.tmp, True)

    def setUp(self):
        self.dir = tempfile.mkdtemp(dir=self.tmp)

    def path(self, name):
        return os.path.join(self.dir, name)

    def make_pdf(self, name, pages=2, megabytes=0):
        out = self.path(name)
        run([TOOL, 'make-pdf', '--pages', str(pages), '--megabytes', str(megabytes), out])
        return out

    def sign(self, files, *extra, check=True):
        args = [TOOL, 'sign', '--pki-dir', self.path('pki'), '--tsa-url', self.tsa_url,
                '--tsa-root', self.tsa_root] + list(extra) + list(files)
        r = run(args, check=False)
        if check:
            self.assertEqual(r.returncode, 0, r.stderr.decode() + r.stdout.decode())
            return json.loads(r.stdout)
        return r

    def nss_db(self, trust):
        """An NSS database that trusts the roots of @trust (each signing run
        makes its own test PKI)."""
        db = self.path('nss-' + hashlib.sha256(read(trust)).hexdigest()[:12])
        if not os.path.isdir(db):
            os.mkdir(db)
            run(['certutil', '-N', '-d', 'sql:' + db, '--empty-password'])
            for i, pem in enumerate(split_pem(trust, self.path('root'))):
                run(['certutil', '-A', '-d', 'sql:' + db, '-n', 'root%d' % i, '-t', 'CT,C,C',
                     '-a', '-i', pem])
        return db

    def assertPdfsigValid(self, pdf, db, count):
        out = run(['pdfsig', '-nssdir', 'sql:' + db, pdf], check=False).stdout.decode()
        self.assertEqual(out.count('Signature #'), count, out)
        self.assertEqual(out.count('Signature is Valid.'), count, out)
        self.assertEqual(out.count('Certificate is Trusted.'), count, out)
        return out

    def check(self, pdf, trust):
        r = run([TOOL, 'check', '--trust-anchor', trust, pdf], check=False)
        return r.returncode, json.loads(r.stdout)

    # --- Tests ---------------------------------------------------------------

    def test_sign_1_2_20_documents(self):
        for count in (1, 2, 20):
            files = [self.make_pdf('doc%d-%d.pdf' % (count, i), pages=1 + i % 3)
                     for i in range(count)]
            result = self.sign(files)
            self.assertTrue(result['valid'])
            self.assertEqual(len(result['files']), count)
            db = self.nss_db(result['trust_anchor'])
            for entry in result['files']:
                (sig,) = entry['check']['signatures']
                self.assertEqual(sig['signer'], 'Nguyễn Văn An')
                self.assertEqual(sig['citizen_id'], '001093000001')
                self.assertEqual(sig['time_source'], 'trusted')
                self.assertEqual(sig['tsa'], 'SmartCA Sandbox TSA')
                self.assertEqual((sig['integrity'], sig['change'], sig['trust']),
                                 ('intact', 'unchanged', 'trusted'))
                self.assertPdfsigValid(entry['path'], db, 1)
                # Beside the original, under a new name; the original untouched.
                self.assertTrue(entry['path'].endswith('-signed.pdf'))

    def test_openssl_verifies_time_stamp_and_cms(self):
        (doc,) = [self.make_pdf('doc.pdf')]
        result = self.sign([doc])
        signed = result['files'][0]['path']
        db = self.nss_db(result['trust_anchor'])
        run(['pdfsig', '-nssdir', 'sql:' + db, '-dump', signed], cwd=self.dir)
        cms = signed + '.sig0'
        data = read(cms)
        rows = asn1_rows(cms)
        stamp = [i for i, r in enumerate(rows) if 'id-smime-aa-timeStampToken' in r[4]]
        self.assertEqual(len(stamp), 1, 'one signature time stamp')
        token_row = rows[stamp[0] + 2]
        token = data[token_row[0]:token_row[0] + token_row[2] + token_row[3]]
        j = stamp[0]
        while 'OCTET STRING' not in rows[j][4]:
            j -= 1
        value = data[rows[j][0] + rows[j][2]:rows[j][0] + rows[j][2] + rows[j][3]]
        self.assertEqual(len(value), 256)
        with open(self.path('token.der'), 'wb') as f:
            f.write(token)
        with open(self.path('value.bin'), 'wb') as f:
            f.write(value)
        r = run(['openssl', 'ts', '-verify', '-in', self.path('token.der'), '-token_in',
                 '-data', self.path('value.bin'), '-CAfile', self.tsa_root], check=False)
        self.assertIn(b'Verification: OK', r.stdout, r.stderr)

        # The CMS over the /ByteRange, by openssl.
        pdf = read(signed)
        ranges = [int(x) for x in re.findall(rb'/ByteRange\s*\[\s*(\d+) (\d+) (\d+) (\d+)', pdf)[-1]]
        with open(self.path('covered.bin'), 'wb') as f:
            f.write(pdf[ranges[0]:ranges[0] + ranges[1]] + pdf[ranges[2]:ranges[2] + ranges[3]])
        r = run(['openssl', 'cms', '-verify', '-binary', '-inform', 'DER', '-in', cms,
                 '-content', self.path('covered.bin'), '-CAfile', result['trust_anchor'],
                 '-purpose', 'any', '-out', os.devnull], check=False)
        self.assertIn(b'Verification successful', r.stderr, r.stderr)

    def test_second_signer_leaves_the_first_valid(self):
        doc = self.make_pdf('doc.pdf', pages=3)
        result = self.sign([doc], '--signers', '2')
        first, second = result['files']
        self.assertTrue(second['path'].endswith('-signed-2.pdf'))
        sigs = second['check']['signatures']
        self.assertEqual([s['signer'] for s in sigs], ['Nguyễn Văn An', 'Trần Thị Bích Ngọc'])
        self.assertEqual([s['change'] for s in sigs], ['only-signatures', 'unchanged'])
        self.assertTrue(all(s['valid'] for s in sigs))
        self.assertPdfsigValid(second['path'], self.nss_db(result['trust_anchor']), 2)

    def test_tampered_byte_and_appended_bytes(self):
        doc = self.make_pdf('doc.pdf')
        result = self.sign([doc], '--signers', '2')
        signed = result['files'][1]['path']
        trust = result['trust_anchor']
        data = bytearray(read(signed))
        tampered = self.path('tampered.pdf')
        # A byte both signatures cover: in the first page's content, far
        # from either /Contents.
        data[200] ^= 0x01
        with open(tampered, 'wb') as f:
            f.write(data)
        code, report = self.check(tampered, trust)
        self.assertEqual(code, 1)
        self.assertEqual([s['integrity'] for s in report['signatures']], ['altered', 'altered'])
        out = run(['pdfsig', tampered], check=False).stdout.decode()
        self.assertIn('Digest Mismatch', out)

        appended = self.path('appended.pdf')
        with open(appended, 'wb') as f:
            f.write(read(signed) + b'\n% nothing to see here\n')
        code, report = self.check(appended, trust)
        self.assertEqual(code, 1)
        self.assertEqual([s['change'] for s in report['signatures']], ['changed', 'changed'])
        self.assertEqual([s['integrity'] for s in report['signatures']], ['intact', 'intact'])

    def test_pdf_signed_by_pdfsig(self):
        """A signature NSS made (BER, adbe.pkcs7.detached), checked; then ours after it."""
        d = self.path('other')
        p = lambda name: os.path.join(d, name)  # noqa: E731
        doc = self.make_pdf('doc.pdf')
        nss_signed = self.path('nss-signed.pdf')
        # Under "Other Signing Root", in d: its ca.pem and NSS database nss.
        check_fixtures.nss_sign(self.dir, doc, nss_signed)
        db = p('nss')
        code, report = self.check(nss_signed, p('ca.pem'))
        self.assertEqual(code, 0, report)
        (sig,) = report['signatures']
        self.assertEqual((sig['signer'], sig['citizen_id'], sig['issuer']),
                         ('Lê Văn Khác', '001099000003', 'Other Signing Root'))
        self.assertEqual((sig['integrity'], sig['trust'], sig['time_source']),
                         ('intact', 'trusted', 'claimed'))

        # Ours after NSS's: both valid, for pdfsig and for us.
        result = self.sign([nss_signed], check=False)
        ours = self.path('nss-signed-signed.pdf')
        self.assertTrue(os.path.exists(ours), result.stderr)
        both = self.path('both.pem')
        with open(both, 'w') as f:
            f.write((read(p('ca.pem')) + read(self.path('pki/trust.pem'))).decode())
        code, report = self.check(ours, both)
        self.assertEqual(code, 0, report)
        self.assertEqual([s['change'] for s in report['signatures']],
                         ['only-signatures', 'unchanged'])
        for i, pem in enumerate(split_pem(self.path('pki/trust.pem'), p('ours'))):
            run(['certutil', '-A', '-d', 'sql:' + db, '-n', 'ours%d' % i, '-t', 'CT,C,C',
                 '-a', '-i', pem])
        self.assertPdfsigValid(ours, db, 2)

    def test_refuses_encrypted_and_damaged(self):
        doc = self.make_pdf('doc.pdf')
        data = read(doc)
        encrypted = self.path('encrypted.pdf')
        # The trailer names an /Encrypt dictionary: an encrypted file.
        with open(encrypted, 'wb') as f:
            f.write(re.sub(rb'trailer\s*<<', b'trailer\n<< /Encrypt 99 0 R', data, count=1))
        damaged = self.path('damaged.pdf')
        with open(damaged, 'wb') as f:
            f.write(data[:len(data) // 2])
        not_pdf = self.path('not.pdf')
        with open(not_pdf, 'wb') as f:
            f.write(b'GIF89a')
        for path, word in ((encrypted, 'encrypted'), (damaged, 'malformed'),
                           (not_pdf, 'not a PDF')):
            r = self.sign([path], check=False)
            self.assertEqual(r.returncode, 1, r.stdout)
            self.assertIn(word, r.stderr.decode())
            self.assertFalse(os.path.exists(path[:-4] + '-signed.pdf'))

    def test_tsa_unreachable(self):
        """No TSA: the signing stops before anything is written (the session
        then offers B-B or a retry)."""
        doc = self.make_pdf('doc.pdf')
        r = run([TOOL, 'sign', '--pki-dir', self.path('pki'), '--tsa-url',
                 'https://127.0.0.1:9/tsa', '--tsa-root', self.tsa_root, doc], check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b'TSA:', r.stderr)
        self.assertFalse(os.path.exists(doc[:-4] + '-signed.pdf'))

    def test_vietnamese_appearance_renders_as_drawn(self):
        doc = self.make_pdf('doc.pdf', pages=2)
        rect = (320.0, 60.0, 560.0, 120.0)
        args = ['--page', '1', '--rect', ','.join('%g' % v for v in rect)]
        for line in LINES:
            args += ['--line', line]
        result = self.sign([doc], *args)
        signed = result['files'][0]['path']
        # The text is text: a viewer extracts it with every diacritic.
        text = run(['pdftotext', '-f', '2', '-l', '2', signed, '-']).stdout.decode()
        for line in LINES:
            self.assertIn(line, text)
        self.assertBoxRendersAsDrawn(signed, 2, rect, 842)

    def assertBoxRendersAsDrawn(self, signed, page, rect, shown_height):
        """The box's region of the page as a viewer shows it (its crop box,
        turned by /Rotate), rendered by pdftoppm at 4 px/pt, against cairo's
        own drawing of the appearance, upright: the box is where the
        placement said, and its text reads as drawn."""
        width, height = rect[2] - rect[0], rect[3] - rect[1]
        x, y = int(rect[0] * 4), int((shown_height - rect[3]) * 4)
        prefix = self.path('page-%d' % len(os.listdir(self.dir)))
        run(['pdftoppm', '-cropbox', '-f', str(page), '-l', str(page), '-r', '288', '-gray',
             '-x', str(x), '-y', str(y), '-W', str(int(width * 4)), '-H', str(int(height * 4)),
             '-singlefile', signed, prefix])
        drawn = self.path('drawn.pgm')
        appearance = [TOOL, 'appearance', '--width', str(width), '--height', str(height),
                      '--pgm', drawn]
        for line in LINES:
            appearance += ['--line', line]
        run(appearance)
        a = read_pgm(prefix + '.pgm')
        b = read_pgm(drawn)
        self.assertEqual(a[:2], b[:2])
        # Every dark pixel of either has a dark one within a pixel in the
        # other: anti-aliasing may move an edge, a missing mark cannot hide.
        for one, other in ((a, b), (b, a)):
            missed, ink = dark_pixels_missing(one, other)
            self.assertGreater(ink, one[0] * one[1] // 100, 'the box holds text')
            self.assertLessEqual(missed, ink // 200, '%d of %d dark pixels' % (missed, ink))

    # --- PDF 1.5 files, turned and cropped pages -----------------------------

    def write(self, name, data):
        path = self.path(name)
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def assertQpdfCheck(self, pdf):
        r = run(['qpdf', '--check', pdf], check=False)
        self.assertEqual(r.returncode, 0, r.stdout.decode() + r.stderr.decode())

    def test_object_streams_signed_twice(self):
        """A file as qpdf writes it with object streams (a cross-reference
        stream, PNG predictor, every page in an object stream), signed by two
        citizens in turn: each update ends with a cross-reference stream;
        pdfsig finds both signatures valid, qpdf finds nothing wrong, and the
        first is intact and changed only by the second signature."""
        plain = self.make_pdf('plain.pdf', pages=3)
        doc = self.path('doc.pdf')
        run(['qpdf', '--object-streams=generate', plain, doc])
        self.assertIn(b'/ObjStm', read(doc))
        self.assertTrue(pdf_fixtures.last_section_is_stream(read(doc)))
        result = self.sign([doc], '--signers', '2')
        first, second = result['files']
        db = self.nss_db(result['trust_anchor'])
        for entry, count in ((first, 1), (second, 2)):
            self.assertTrue(pdf_fixtures.last_section_is_stream(read(entry['path'])))
            self.assertQpdfCheck(entry['path'])
            self.assertPdfsigValid(entry['path'], db, count)
        sigs = second['check']['signatures']
        self.assertEqual([(s['integrity'], s['change']) for s in sigs],
                         [('intact', 'only-signatures'), ('intact', 'unchanged')])
        self.assertTrue(all(s['valid'] for s in sigs))

    def test_cross_reference_streams_and_hybrid_files(self):
        """Files written byte by byte: a cross-reference stream with its
        page in an object stream, and a hybrid file (a table for old
        readers, an /XRefStm for the compressed objects): signed, then
        signed again on top; an update after a table ends with a table."""
        for name, xref in (('stream.pdf', 'stream'), ('hybrid.pdf', 'hybrid')):
            doc = self.write(name, pdf_fixtures.build(xref=xref, objstm=True))
            self.assertQpdfCheck(doc)
            result = self.sign([doc], '--signers', '2')
            db = self.nss_db(result['trust_anchor'])
            for entry, count in zip(result['files'], (1, 2)):
                signed = read(entry['path'])
                self.assertEqual(pdf_fixtures.last_section_is_stream(signed), xref == 'stream')
                self.assertQpdfCheck(entry['path'])
                self.assertPdfsigValid(entry['path'], db, count)
                self.assertTrue(entry['check']['valid'], entry['check'])
            self.assertEqual([s['change'] for s in result['files'][1]['check']['signatures']],
                             ['only-signatures', 'unchanged'])

    def test_turned_and_cropped_pages(self):
        """The box is placed in the page as shown (crop box, /Rotate), as
        the placer gives it: rendered, its region holds the appearance,
        upright, on pages turned by 90 and 270 degrees, cropped, and both
        (inherited from the page tree, in an object stream)."""
        rect = (40.0, 30.0, 280.0, 90.0)
        cases = (
            ('turned-90.pdf', dict(page='/Rotate 90'), 90, 595),
            ('turned-270.pdf', dict(page='/Rotate 270', xref='stream', objstm=True), 270, 595),
            ('cropped.pdf', dict(page='/CropBox [50 80 545 780]'), 0, 700),
            ('both.pdf', dict(pages='/Rotate 90 /CropBox [50 80 545 780]', xref='stream',
                              objstm=True), 90, 495),
        )
        for name, shape, rotation, shown_height in cases:
            with self.subTest(name=name):
                doc = self.write(name, pdf_fixtures.build(**shape))
                info = run(['pdfinfo', doc]).stdout.decode()
                self.assertRegex(info, r'Page rot:\s+%d\n' % rotation)
                args = ['--page', '0', '--rect', ','.join('%g' % v for v in rect)]
                for line in LINES:
                    args += ['--line', line]
                result = self.sign([doc], *args)
                signed = result['files'][0]['path']
                self.assertTrue(result['files'][0]['check']['valid'])
                self.assertQpdfCheck(signed)
                self.assertBoxRendersAsDrawn(signed, 1, rect, shown_height)

    def test_bomb_and_damaged_cross_reference_stream_refused(self):
        """A decompression bomb (an object stream that inflates to 64 MiB
        from 64 KiB) and a cross-reference stream whose compressed bytes are
        damaged: refused with a clear reason, nothing written."""
        bomb = self.write('bomb.pdf', pdf_fixtures.build(xref='stream', objstm=True,
                                                         bomb=64 << 20))
        self.assertLess(os.path.getsize(bomb), 256 << 10)
        damaged = self.write('damaged.pdf', pdf_fixtures.damage_xref_stream(
            pdf_fixtures.build(xref='stream', objstm=True)))
        for path, word in ((bomb, 'inflates'), (damaged, 'malformed')):
            r = self.sign([path], check=False)
            self.assertEqual(r.returncode, 1, r.stdout)
            self.assertIn(word, r.stderr.decode())
            self.assertFalse(os.path.exists(path[:-4] + '-signed.pdf'))


def dark_pixels_missing(one, other, radius=1):
    w, h, pa = one
    pb = other[2]
    missed = ink = 0
    for y in range(h):
        for x in range(w):
            if pa[y * w + x] >= 96:
                continue
            ink += 1
            if not any(min(pb[yy * w + max(0, x - radius):yy * w + min(w, x + radius + 1)]) < 160
                       for yy in range(max(0, y - radius), min(h, y + radius + 1))):
                missed += 1
    return missed, ink


def read_pgm(path):
    data = read(path)
    m = re.match(rb'P5\s+(\d+)\s+(\d+)\s+(\d+)\s', data)
    w, h = int(m[1]), int(m[2])
    return w, h, data[m.end():m.end() + w * h]


if __name__ == '__main__':
    unittest.main(verbosity=2)
