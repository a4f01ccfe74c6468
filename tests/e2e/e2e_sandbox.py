# SPDX-License-Identifier: GPL-3.0-or-later
"""What the end-to-end tests of issue #7 share: a smartca-sandbox of their own,
run as a real service beside the program (never the program's --sandbox, whose
banner lists every built-in citizen), the public-service portal played through
the sandbox's control endpoints, and signatures checked with openssl against the
citizen's certificate."""

import base64
import hashlib
import json
import os
import sqlite3
import ssl
import subprocess
import tempfile
import urllib.request

import e2e_program
import e2e_wait

CITIZENS = {
    "001093000001": {"name": "Nguyễn Văn An", "password": "Matkhau@123", "phone": "0912345678"},
    "079301000123": {"name": "Trần Thị Bích Ngọc", "password": "Matkhau@123",
                     "phone": "0987654321"},
    "048178004321": {"name": "Lê Thị Hồng Nhung", "password": "Matkhau@123",
                     "phone": "0905111222"},
}


class Sandbox:
    def __init__(self, build_root, data_dir, log_path, sync_delay_ms=300):
        program = os.path.join(build_root, "src", "sandbox", "smartca-sandbox")
        self.data_dir = data_dir
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(
            [program, "--listen", "127.0.0.1:0", "--data-dir", data_dir,
             "--sync-delay-ms", str(sync_delay_ms)],
            stdout=subprocess.PIPE, stderr=self.log)
        self.line = e2e_program.first_line(self.process, "the sandbox's JSON line", log_path)
        self.urls = json.loads(self.line)
        self.tls = ssl.create_default_context(cafile=self.urls["trust_anchor"])

    def program_args(self):
        """How a configured desktop or kiosk reaches these services (the sandbox's
        root signs its TLS certificate and its issuing CA alike)."""
        return ["--vneid-url", self.urls["vneid_url"], "--smartca-url", self.urls["smartca_url"],
                "--trust-anchor", self.urls["trust_anchor"],
                "--signing-trust-anchor", self.urls["trust_anchor"]]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.urls["control_url"] + path, data=data,
                                         method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=self.tls) as reply:
            return json.load(reply)

    def latest(self, phone, purpose):
        """The newest code of @purpose sent to @phone so far, or None."""
        for sms in self._call("GET", "/outbox?phone=" + phone):
            if sms["purpose"] == purpose:
                return sms["code"]
        return None

    def outbox(self, phone, purpose, after=None):
        """The newest code of @purpose sent to @phone, other than @after."""
        def code():
            for sms in self._call("GET", "/outbox?phone=" + phone):
                if sms["purpose"] == purpose and sms["code"] != after:
                    return sms["code"]
            return None
        return e2e_wait.wait_for(code, "a new %s code for %s in the sandbox's outbox"
                                 % (purpose, phone), interval=0.2,
                                 seen=lambda: "only %s" % [sms["purpose"] for sms in self._call(
                                     "GET", "/outbox?phone=" + phone)])

    def portal_request(self, citizen_id, description, documents):
        """A public-service portal asks for signatures: @documents is a list
        of (name, content bytes); returns (tranId, [sha256 digests])."""
        digests = [hashlib.sha256(content).digest() for _, content in documents]
        datas = [{"name": name, "hash": base64.b64encode(digest).decode()}
                 for (name, _), digest in zip(documents, digests)]
        reply = self._call("POST", "/portal/signhash",
                           {"citizen_id": citizen_id, "description": description,
                            "datas": datas})
        return reply["tranId"], digests

    def portal_transaction(self, tran_id):
        return self._call("GET", "/portal/transactions/" + tran_id)

    def wait_transaction(self, tran_id, status):
        """The portal's transaction once its tranStatus is @status (or, when
        it never is, as it was last: the caller's check says so)."""
        transaction = {}

        def done():
            transaction.update(self.portal_transaction(tran_id))
            return transaction.get("tranStatus") == status
        e2e_wait.wait_until(done, interval=0.3)
        return transaction

    def enroll(self, build_root, citizen_id, pin):
        """The citizen enrolled on this desktop beforehand, as the program
        would have done it (tests/enroll/enroll-tool: the key handle in this
        run's keyring, the checkpoint in its data directory)."""
        return subprocess.run([os.path.join(build_root, "tests", "enroll", "enroll-tool"),
                               "--sandbox", self.line, "--citizen", citizen_id, "--pin", pin],
                              capture_output=True, text=True)

    def credential(self, citizen_id):
        db = sqlite3.connect(os.path.join(self.data_dir, "sandbox.db"))
        try:
            row = db.execute("SELECT certificate, serial_number, device_platform "
                             "FROM credentials WHERE citizen_id = ?", (citizen_id,)).fetchone()
        finally:
            db.close()
        return row


def stop(program, sandbox):
    """The program (TERM, then KILL after 30 s), then the sandbox (if given)."""
    if program is not None:
        program.terminate()
        try:
            program.wait(timeout=30)
        except subprocess.TimeoutExpired:
            program.kill()
    if sandbox is not None:
        sandbox.stop()


def verify_signature(certificate_der, digest, signature):
    """openssl's word on an RSA PKCS#1 v1.5 signature over @digest's DigestInfo."""
    with tempfile.TemporaryDirectory() as tmp:
        cert = os.path.join(tmp, "cert.der")
        dig = os.path.join(tmp, "digest")
        sig = os.path.join(tmp, "sig")
        for path, data in ((cert, certificate_der), (dig, digest), (sig, signature)):
            with open(path, "wb") as f:
                f.write(data)
        pem = subprocess.run(["openssl", "x509", "-inform", "DER", "-in", cert],
                             capture_output=True, check=True).stdout
        with open(cert + ".pem", "wb") as f:
            f.write(pem)
        result = subprocess.run(["openssl", "pkeyutl", "-verify", "-certin", "-inkey",
                                 cert + ".pem", "-in", dig, "-sigfile", sig,
                                 "-pkeyopt", "digest:sha256"], capture_output=True, text=True)
        return result.returncode == 0 and "Signature Verified Successfully" in result.stdout

