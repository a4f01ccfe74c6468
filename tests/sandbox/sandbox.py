# SPDX-License-Identifier: GPL-3.0-or-later
"""Drives a real smartca-sandbox process for the sandbox's tests.

Standard library only. Every call goes over HTTPS with an SSLContext that
trusts nothing but the sandbox's own root CA (its trust_anchor); nothing
skips verification. Each Sandbox has its own process and its own temporary
data directory, so tests can run in parallel; both are cleaned up on stop(),
on leaving a `with` block, and at interpreter exit.
"""

import atexit
import base64
import contextlib
import ctypes
import hashlib
import http.client
import json
import math
import os
import re
import select
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import tempfile
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import uuid

CLIENT_ID = 'smartca-enroll'
DEFAULT_SCOPE = 'openid profile smartca'
SERVICE_PACK = 'SMARTCA_PERSONAL_FREE'
GRANT_DEVICE = 'urn:ietf:params:oauth:grant-type:device_code'
GRANT_OTP = 'urn:vneid:params:oauth:grant-type:otp'
REQUEST_TIMEOUT = 20.0
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0

# The built-in citizens (src/sandbox/data/citizens.json) the tests rely on.
PASSWORD = 'Matkhau@123'
AN = '001093000001'          # Nguyễn Văn An, Hà Nội, male
NGOC = '079301000123'        # Trần Thị Bích Ngọc, no e-mail
NHUNG = '048178004321'
BAO = '031085006789'
TUAN = '092099001122'        # identity level 1: refused
HUY = '038204007777'         # a Vietnamese password (NFC tests)
HUONG = '046182005555'       # a non-null district

# PROTOCOL.md rev 2, "PIN guard": the client's derivations. Tests use a low
# iteration count; the service sees only the verifier.
PIN = '246810'
PIN_ITERATIONS = 1000

# The hashes of every transaction's documents in their order, as the
# sandbox listed them (waitingtrans, waitingtraninfo, gettraninfo) or as a
# signing request sent them: what a SAD for that transaction names
# (PROTOCOL.md rev 2, "SAD").
TRAN_HASHES = {}

# Every (endpoint, status, code) a test saw, for the coverage check of
# test_protocol.py. The endpoint is "METHOD API/pattern".
EXERCISED = set()

_LIVE = set()


def _die_with_parent():
    # A test killed by its timeout must not leave its sandboxes running.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)      # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def source_root():
    return os.environ.get('MESON_SOURCE_ROOT',
                          os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..')))


def load_citizens():
    path = os.path.join(source_root(), 'src', 'sandbox', 'data', 'citizens.json')
    with open(path, encoding='utf-8') as f:
        return {c['citizen_id']: c for c in json.load(f)}


CITIZENS = load_citizens()


def sandbox_binary():
    path = os.environ.get('SMARTCA_SANDBOX')
    if not path:
        build = os.environ.get('MESON_BUILD_ROOT')
        if build:
            path = os.path.join(build, 'src', 'sandbox', 'smartca-sandbox')
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError('SMARTCA_SANDBOX does not name the smartca-sandbox binary: %r' % path)
    return path


def new_key():
    return str(uuid.uuid4())


def b64(data):
    return base64.b64encode(data).decode('ascii')


def sha256_b64(data):
    return b64(hashlib.sha256(data).digest())


def pin_keys(pin, salt, iterations=PIN_ITERATIONS):
    """(pinVerifier, pinKey) of a PIN, as PROTOCOL.md derives them."""
    import hmac
    stretched = hashlib.pbkdf2_hmac('sha256', pin.encode('ascii'), salt, iterations, 32)
    verifier = hmac.new(stretched, b'SmartCA PIN verifier v1', hashlib.sha256).digest()
    key = hmac.new(stretched, b'SmartCA PIN key v1', hashlib.sha256).digest()
    return verifier, key


def nfd(text):
    return unicodedata.normalize('NFD', text)


RFC3339 = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$')


class Reply:
    """One HTTP answer; unpacks as (status, headers, json)."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.json = None
        self.json_error = None
        try:
            self.json = json.loads(body.decode('utf-8')) if body else None
        except (UnicodeDecodeError, ValueError) as e:
            self.json_error = e

    def __iter__(self):
        return iter((self.status, self.headers, self.json))

    def header(self, name):
        return self.headers.get(name.lower())

    @property
    def content_type(self):
        return (self.header('Content-Type') or '').split(';')[0].strip().lower()

    @property
    def error(self):
        """The RFC 6749 / control error string, or the envelope code."""
        if isinstance(self.json, dict):
            if 'error' in self.json:
                return self.json['error']
            if 'code' in self.json and isinstance(self.json['code'], int):
                return self.json['code'] or None
        return None

    def __repr__(self):
        text = self.body[:600].decode('utf-8', 'replace')
        return '<HTTP %s %s>' % (self.status, text)


class ConnectionDropped(Exception):
    """The sandbox closed the connection without an answer."""


class SandboxError(Exception):
    pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Sandbox:
    """One sandbox process on 127.0.0.1:0 with its own data directory."""

    _template = None

    def __init__(self, extra_args=(), template=True, data_dir=None, sync_delay_ms=None,
                 start=True):
        self.binary = sandbox_binary()
        self.tmp = tempfile.mkdtemp(prefix='sbxtests-')
        self.data_dir = data_dir or os.path.join(self.tmp, 'data')
        self.log_path = os.path.join(self.tmp, 'sandbox.log')
        self.extra_args = list(extra_args)
        if sync_delay_ms is not None:
            self.extra_args += ['--sync-delay-ms', str(sync_delay_ms)]
        self.proc = None
        self.info = None
        # The umask the process starts with (None: the test's own).
        self.umask = None
        self.secrets = set()
        self.starts = 0
        # How far the sandbox clock runs ahead (POST CONTROL/clock), so that
        # SADs are made on the sandbox's time.
        self.clock_offset = 0
        if data_dir is None and template:
            # A sandbox makes an RSA-3072 root on its first start; tests
            # start from a copy of one data directory made once per
            # process, which is the "reuse" case of PROTOCOL.md.
            shutil.copytree(Sandbox.template_dir(), self.data_dir)
        _LIVE.add(self)
        if start:
            self.start()

    # --- Process ---------------------------------------------------------

    @classmethod
    def template_dir(cls):
        if cls._template is None:
            tmp = tempfile.mkdtemp(prefix='sbxtests-template-')
            atexit.register(shutil.rmtree, tmp, True)
            sb = Sandbox(template=False, data_dir=os.path.join(tmp, 'data'))
            try:
                if not sb.alive():
                    raise SandboxError('the sandbox does not answer; log:\n' + sb.log_tail())
                sb.stop()
            finally:
                sb._remove_tmp()
            cls._template = os.path.join(tmp, 'data')
        return cls._template

    def start(self):
        assert self.proc is None
        args = [self.binary, '--listen', '127.0.0.1:0', '--data-dir', self.data_dir]
        args += self.extra_args
        with open(self.log_path, 'ab') as log:
            log.write(('--- start %d: %s\n' % (self.starts, ' '.join(args))).encode())
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=log,
                                         preexec_fn=self._preexec)
        self.starts += 1
        line = self._read_line(START_TIMEOUT)
        try:
            info = json.loads(line)
        except ValueError:
            raise SandboxError('the first line on stdout is not JSON: %r' % line)
        if not isinstance(info, dict) or sorted(info) != sorted(
                ['vneid_url', 'smartca_url', 'control_url', 'tsa_url', 'trust_anchor']):
            raise SandboxError('the JSON line has not exactly the five members: %r' % line)
        port = None
        for name, suffix in (('vneid_url', '/vneid'), ('smartca_url', '/smartca'),
                             ('control_url', '/sandbox'), ('tsa_url', '/tsa')):
            m = re.match(r'^https://127\.0\.0\.1:(\d+)%s$' % suffix, info[name])
            if not m:
                raise SandboxError('%s is %r' % (name, info[name]))
            if port not in (None, m.group(1)):
                raise SandboxError('the URLs name different ports: %r' % line)
            port = m.group(1)
        anchor = info['trust_anchor']
        if not os.path.isabs(anchor) or not os.path.isfile(anchor):
            raise SandboxError('trust_anchor is not an absolute path of a file: %r' % anchor)
        if os.path.realpath(anchor) != os.path.realpath(
                os.path.join(self.data_dir, 'ca', 'root.pem')):
            raise SandboxError('trust_anchor is not <data-dir>/ca/root.pem: %r' % anchor)
        self.info = info
        self.port = int(port)
        self.ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=anchor)
        self.ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPSHandler(context=self.ctx),
            _NoRedirect())
        return info

    def _preexec(self):
        _die_with_parent()
        if self.umask is not None:
            os.umask(self.umask)

    def _read_line(self, timeout):
        fd = self.proc.stdout.fileno()
        data = b''
        deadline = time.monotonic() + timeout
        while b'\n' not in data:
            left = deadline - time.monotonic()
            if left <= 0:
                self._force_kill()
                raise SandboxError('no JSON line on stdout within %ds' % timeout)
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                code = self.proc.wait()
                raise SandboxError('the sandbox exited (%s) before its JSON line; log:\n%s'
                                   % (code, self.log_tail()))
            data += chunk
        line, _, rest = data.partition(b'\n')
        self._stdout_extra = rest
        return line.decode('utf-8')

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def alive(self):
        """The process still runs and still answers."""
        if not self.running:
            return False
        try:
            r = self.control('GET', 'outbox', query={'phone': '0900000000'})
        except Exception:
            return False
        return r.status == 200

    def stop(self, check=True):
        """SIGTERM: the sandbox must exit 0 and must have printed nothing
        more on stdout than its one line."""
        if self.proc is None:
            return None
        proc, self.proc = self.proc, None
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise SandboxError('the sandbox did not stop within %ds of SIGTERM' % STOP_TIMEOUT)
        extra = self._stdout_extra + proc.stdout.read()
        proc.stdout.close()
        if check:
            if code != 0:
                raise SandboxError('the sandbox exited %s on SIGTERM; log:\n%s'
                                   % (code, self.log_tail()))
            if extra.strip():
                raise SandboxError('the sandbox printed more on stdout: %r' % extra[:300])
        return code

    @contextlib.contextmanager
    def stopped_database(self):
        """The database of this sandbox, stopped first, for a test to change
        as an older sandbox would have left it; committed on leaving."""
        self.stop()
        db = sqlite3.connect(os.path.join(self.data_dir, 'sandbox.db'))
        try:
            yield db
            db.commit()
        finally:
            db.close()

    def query(self, sql, args=()):
        """The rows of @sql, read beside the sandbox (WAL), read-only."""
        db = sqlite3.connect('file:%s?mode=ro' % os.path.join(self.data_dir, 'sandbox.db'),
                             uri=True)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def kill9(self):
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()

    def _force_kill(self):
        if self.proc is not None:
            try:
                self.proc.kill()
                self.proc.wait()
                self.proc.stdout.close()
            except Exception:
                pass
            self.proc = None

    def restart(self):
        self.stop()
        return self.start()

    def _remove_tmp(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
        _LIVE.discard(self)

    def close(self):
        try:
            if self.proc is not None:
                self.stop(check=False)
        finally:
            self._force_kill()
            self._remove_tmp()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- The log ---------------------------------------------------------

    def log_text(self):
        try:
            with open(self.log_path, 'rb') as f:
                return f.read().decode('utf-8', 'replace')
        except FileNotFoundError:
            return ''

    def log_tail(self, n=40):
        return '\n'.join(self.log_text().splitlines()[-n:])

    PROBLEMS = re.compile(r'-CRITICAL \*\*|-WARNING \*\*|runtime error:|AddressSanitizer|'
                          r'LeakSanitizer|Segmentation fault')

    def log_problems(self):
        """Lines of the log that say something went wrong inside the sandbox:
        a GLib warning or critical, a sanitizer report."""
        return [line for line in self.log_text().splitlines() if self.PROBLEMS.search(line)]

    def add_secret(self, value):
        if isinstance(value, str) and len(value) >= 6:
            self.secrets.add(value)

    def leaked_secrets(self):
        """The secrets seen in this run that appear in the sandbox's log."""
        log = self.log_text()
        leaked = ['a private key'] if 'PRIVATE KEY' in log else []
        for secret in sorted(self.secrets):
            variants = {secret, nfd(secret), unicodedata.normalize('NFC', secret),
                        urllib.parse.quote(secret), urllib.parse.quote_plus(secret)}
            for v in variants:
                if v.isdigit():
                    found = re.search(r'(?<!\d)%s(?!\d)' % v, log) is not None
                else:
                    found = v in log
                if found:
                    leaked.append(secret)
                    break
        return leaked

    # --- HTTP ------------------------------------------------------------

    def url(self, api, path):
        base = {'vneid': self.info['vneid_url'], 'smartca': self.info['smartca_url'],
                'control': self.info['control_url'], 'tsa': self.info['tsa_url']}[api]
        return base + '/' + path.lstrip('/')

    def request(self, api, method, pattern, params=None, query=None, form=None, body=None,
                data=None, token=None, headers=None, content_type=None, label=None,
                timeout=REQUEST_TIMEOUT):
        """One request. @pattern is the path below the API's base with
        {name} placeholders filled from @params; @form is url-encoded,
        @body is sent as JSON, @data as raw bytes. Returns a Reply; raises
        ConnectionDropped when the connection closes unanswered."""
        path = pattern
        for k, v in (params or {}).items():
            path = path.replace('{%s}' % k, urllib.parse.quote(v, safe=''))
        url = self.url(api, path)
        if query:
            url += '?' + urllib.parse.urlencode(query)
        hdrs = {}
        if form is not None:
            data = urllib.parse.urlencode(form).encode('utf-8')
            hdrs['Content-Type'] = 'application/x-www-form-urlencoded'
            for k, v in form.items():
                if k in ('password', 'otp', 'token', 'refresh_token', 'code',
                         'device_code', 'otp_session'):
                    self.add_secret(v)
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode('utf-8')
            hdrs['Content-Type'] = 'application/json'
            if isinstance(body, dict):
                for k in ('otp', 'pinVerifier', 'newPinVerifier'):
                    if isinstance(body.get(k), str):
                        self.add_secret(body[k])
        elif data is not None:
            hdrs['Content-Type'] = 'application/json'
        elif method in ('POST', 'PUT', 'PATCH'):
            data = b''
        if content_type is not None:
            hdrs['Content-Type'] = content_type
        if token is not None:
            hdrs['Authorization'] = 'Bearer ' + token
            self.add_secret(token)
        hdrs.update(headers or {})
        req = urllib.request.Request(url, data=data, headers=hdrs, method=method)
        try:
            with self.opener.open(req, timeout=timeout) as resp:
                reply = Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()},
                              resp.read())
        except urllib.error.HTTPError as e:
            with e:
                reply = Reply(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                http.client.IncompleteRead) as e:
            raise ConnectionDropped(repr(e))
        except urllib.error.URLError as e:
            if isinstance(e.reason, (ConnectionResetError, BrokenPipeError,
                                     http.client.RemoteDisconnected)):
                raise ConnectionDropped(repr(e))
            if isinstance(e.reason, (socket.timeout, TimeoutError)):
                raise TimeoutError('%s %s: no answer within %ss' % (method, url, timeout))
            raise
        except (socket.timeout, TimeoutError):
            raise TimeoutError('%s %s: no answer within %ss' % (method, url, timeout))
        self._harvest(reply)
        if isinstance(body, dict) and isinstance(body.get('datas'), list):
            self._remember_request_hashes(body['datas'], reply)
        EXERCISED.add((label or '%s %s/%s' % (method, api.upper(), pattern), reply.status,
                       reply.error))
        return reply

    def raw_request(self, api, method, path, data=b'', headers=None, timeout=REQUEST_TIMEOUT):
        """A request through http.client, for bodies the server may refuse
        before reading them all (413): a write error is not an answer, so
        the response is still read."""
        conn = http.client.HTTPSConnection('127.0.0.1', self.port, context=self.ctx,
                                           timeout=timeout)
        try:
            target = urllib.parse.urlsplit(self.url(api, path)).path
            conn.putrequest(method, target)
            hdrs = {'Content-Length': str(len(data))}
            hdrs.update(headers or {})
            for k, v in hdrs.items():
                conn.putheader(k, v)
            try:
                conn.endheaders()
                view = memoryview(data)
                for i in range(0, len(data), 65536):
                    conn.sock.sendall(view[i:i + 65536])
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                pass
            try:
                resp = conn.getresponse()
                reply = Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()},
                              resp.read())
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    ssl.SSLError) as e:
                raise ConnectionDropped(repr(e))
        finally:
            conn.close()
        return reply

    def _harvest(self, reply):
        """Remembers every secret an answer carries, to look for it in the log,
        and the documents' hashes of every transaction it lists."""
        obj = reply.json
        if isinstance(obj, dict) and isinstance(obj.get('content'), (dict, list)):
            obj = obj['content']
        if isinstance(obj, dict):
            for k in ('access_token', 'refresh_token', 'device_code', 'otp_session', 'code',
                      'pinShare'):
                self.add_secret(obj.get(k))
            _remember_hashes(obj)
        elif isinstance(obj, list):
            for item in obj:
                if isinstance(item, dict):
                    self.add_secret(item.get('code'))
                    _remember_hashes(item)

    @staticmethod
    def _remember_request_hashes(datas, reply):
        obj = reply.json
        if isinstance(obj, dict) and isinstance(obj.get('content'), dict):
            obj = obj['content']
        if isinstance(obj, dict) and isinstance(obj.get('tranId'), str):
            TRAN_HASHES.setdefault(obj['tranId'], [d.get('hash') for d in datas
                                                   if isinstance(d, dict)])

    def vneid(self, method, pattern, **kw):
        return self.request('vneid', method, pattern, **kw)

    def smartca(self, pattern, body=None, method='POST', **kw):
        if body is None and 'data' not in kw and 'form' not in kw and method == 'POST':
            body = {}
        return self.request('smartca', method, pattern, body=body, **kw)

    def control(self, method, pattern, **kw):
        return self.request('control', method, pattern, **kw)

    def tsa(self, query, path='', content_type='application/timestamp-query', **kw):
        """POST TSA with a DER TimeStampReq; the answer is DER, not JSON."""
        return self.request('tsa', 'POST', path, data=query, content_type=content_type, **kw)

    # --- Control helpers -------------------------------------------------

    def outbox(self, phone):
        r = self.control('GET', 'outbox', query={'phone': phone})
        if r.status != 200 or not isinstance(r.json, list):
            raise SandboxError('outbox: %r' % r)
        for item in r.json:
            self.add_secret(item.get('code'))
        return r.json

    def latest_otp(self, phone, purpose, after=None):
        """The newest OTP of @purpose sent to @phone; with @after (a list the
        outbox returned earlier) it must be a new one."""
        items = self.outbox(phone)
        if after is not None and len(items) <= len(after):
            raise SandboxError('no new OTP sent to %s' % phone)
        for item in items:
            if item['purpose'] == purpose:
                return item['code']
        raise SandboxError('no %s OTP for %s' % (purpose, phone))

    def approve(self, user_code, citizen_id):
        r = self.control('POST', 'vneid/approve',
                         body={'user_code': user_code, 'citizen_id': citizen_id})
        if r.status != 200:
            raise SandboxError('approve: %r' % r)
        return r

    def deny(self, user_code, citizen_id):
        r = self.control('POST', 'vneid/deny',
                         body={'user_code': user_code, 'citizen_id': citizen_id})
        if r.status != 200:
            raise SandboxError('deny: %r' % r)
        return r

    def faults(self, **settings):
        r = self.control('POST', 'faults', body=settings)
        if r.status != 200 or r.json != {}:
            raise SandboxError('faults: %r' % r)
        return r

    def advance(self, seconds):
        r = self.control('POST', 'clock', body={'advanceSeconds': int(math.ceil(seconds))})
        if r.status != 200:
            raise SandboxError('clock: %r' % r)
        self.clock_offset += int(math.ceil(seconds))
        return r

    def now(self):
        """Seconds since 1970 on the sandbox clock."""
        return int(time.time()) + self.clock_offset

    # --- Flow helpers ----------------------------------------------------

    def password_grant(self, citizen_id, password=PASSWORD, **extra):
        form = {'grant_type': 'password', 'username': citizen_id, 'password': password,
                'client_id': CLIENT_ID}
        form.update(extra)
        return self.vneid('POST', 'oauth/token', form=form)

    def otp_grant(self, otp_session, otp):
        return self.vneid('POST', 'oauth/token',
                          form={'grant_type': GRANT_OTP, 'otp_session': otp_session,
                                'otp': otp, 'client_id': CLIENT_ID})

    def device_authorization(self, scope=DEFAULT_SCOPE):
        return self.vneid('POST', 'oauth/device_authorization',
                          form={'client_id': CLIENT_ID, 'scope': scope})

    def device_poll(self, device_code):
        return self.vneid('POST', 'oauth/token',
                          form={'grant_type': GRANT_DEVICE, 'device_code': device_code,
                                'client_id': CLIENT_ID})

    def login(self, citizen_id, password=None):
        """Password + OTP; returns the VNeID access token."""
        phone = CITIZENS[citizen_id]['phone']
        r = self.password_grant(citizen_id, password or CITIZENS[citizen_id]['password'])
        if r.status != 401 or r.error != 'otp_required':
            raise SandboxError('password grant: %r' % r)
        # A second login within 60 s gets the open session again, and no
        # new code (PROTOCOL.md rev 2): the newest code is that session's.
        otp = self.latest_otp(phone, 'vneid-login')
        r = self.otp_grant(r.json['otp_session'], otp)
        if r.status != 200:
            raise SandboxError('OTP grant: %r' % r)
        return r.json['access_token']

    def login_qr(self, citizen_id):
        r = self.device_authorization()
        if r.status != 200:
            raise SandboxError('device_authorization: %r' % r)
        self.approve(r.json['user_code'], citizen_id)
        t = self.device_poll(r.json['device_code'])
        if t.status != 200:
            raise SandboxError('device poll: %r' % t)
        return t.json['access_token']

    def register(self, token, key=None, body=None):
        return self.vneid('POST', 'api/v1/smartca/registrations', token=token,
                          headers={'Idempotency-Key': key or new_key()},
                          body=body or registration_body())

    def handoff(self, token, registration_id):
        return self.vneid('POST', 'api/v1/smartca/registrations/{id}/handoff',
                          params={'id': registration_id}, token=token)

    def registration(self, token, registration_id):
        return self.vneid('GET', 'api/v1/smartca/registrations/{id}',
                          params={'id': registration_id}, token=token)

    def smartca_token(self, code):
        return self.smartca('auth/token', form={'grant_type': 'authorization_code',
                                                'code': code, 'client_id': CLIENT_ID})

    def smartca_refresh(self, refresh_token):
        return self.smartca('auth/token', form={'grant_type': 'refresh_token',
                                                'refresh_token': refresh_token,
                                                'client_id': CLIENT_ID})

    def to_smartca(self, citizen_id, qr=False):
        """Login, registration and hand-off; returns a dict with the VNeID
        token, the registration id and the SmartCA tokens."""
        vtoken = self.login_qr(citizen_id) if qr else self.login(citizen_id)
        r = self.register(vtoken)
        if r.status not in (200, 201):
            raise SandboxError('registration: %r' % r)
        rid = r.json['registration_id']
        h = self.handoff(vtoken, rid)
        if h.status != 200:
            raise SandboxError('hand-off: %r' % h)
        t = self.smartca_token(h.json['code'])
        if t.status != 200:
            raise SandboxError('SmartCA token: %r' % t)
        return {'vneid_token': vtoken, 'registration_id': rid,
                'token': t.json['access_token'], 'refresh_token': t.json['refresh_token']}

    def relogin(self, s):
        """A new hand-off with @s's VNeID token: new SmartCA tokens in @s (after
        a lock revoked the old ones, or for a change of device)."""
        h = self.handoff(s['vneid_token'], s['registration_id'])
        if h.status != 200:
            raise SandboxError('hand-off: %r' % h)
        t = self.smartca_token(h.json['code'])
        if t.status != 200:
            raise SandboxError('SmartCA token: %r' % t)
        s.update(token=t.json['access_token'], refresh_token=t.json['refresh_token'])
        return s

    def wait_state(self, token, state, timeout=15.0):
        """Polls enrollment/status until @state, advancing the sandbox clock
        by pollAfterMs instead of sleeping."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.smartca('enrollment/status', token=token)
            if r.status != 200:
                raise SandboxError('status: %r' % r)
            content = r.json['content']
            if content['state'] == state:
                return content
            if time.monotonic() > deadline:
                raise SandboxError('still %s, not %s' % (content['state'], state))
            self.advance(max(1, math.ceil((content.get('pollAfterMs') or 0) / 1000.0)))

    def to_contract(self, citizen_id, qr=False):
        """Up to CONTRACT_PENDING with the contract fetched."""
        s = self.to_smartca(citizen_id, qr=qr)
        self.wait_state(s['token'], 'CONTRACT_PENDING')
        r = self.smartca('enrollment/contract', token=s['token'])
        if r.status != 200:
            raise SandboxError('contract: %r' % r)
        s['contract'] = r.json['content']
        return s

    def contract_otp(self, token, contract_id, citizen_id):
        phone = CITIZENS[citizen_id]['phone']
        before = self.outbox(phone)
        r = self.smartca('enrollment/contract/otp', {'contractId': contract_id}, token=token)
        if r.status != 200:
            raise SandboxError('contract/otp: %r' % r)
        return self.latest_otp(phone, 'contract', after=before)

    def sign(self, token, contract_id, otp, hash_):
        return self.smartca('enrollment/contract/sign',
                            {'contractId': contract_id, 'otp': otp, 'hash': hash_}, token=token)

    def to_activation(self, citizen_id, qr=False):
        """Up to ACTIVATION_PENDING: the contract signed."""
        s = self.to_contract(citizen_id, qr=qr)
        c = s['contract']
        otp = self.contract_otp(s['token'], c['contractId'], citizen_id)
        r = self.sign(s['token'], c['contractId'], otp, c['hash'])
        if r.status != 200:
            raise SandboxError('contract/sign: %r' % r)
        return s

    def activate(self, token, kak, key=None, otp=None, **extra):
        body = {'kakPublicKey': kak.public_b64, 'device': kak.device(),
                'pinVerifier': kak.pin_verifier_b64}
        if otp is not None:
            body['otp'] = otp
        body.update(extra)
        return self.smartca('enrollment/activate', body, token=token,
                            headers={'Idempotency-Key': key or new_key()})

    def sad(self, kak, credential_id, txn, challenge, **claims):
        """A SAD by @kak on the sandbox's clock."""
        return kak.sad(credential_id, txn, challenge, now=self.now(), **claims)

    def certificate(self, token, kak, credential_id, challenge):
        return self.smartca('enrollment/certificate',
                            {'credentialId': credential_id,
                             'sad': self.sad(kak, credential_id, 'activation', challenge)},
                            token=token)

    def confirm(self, token, kak, credential_id, tran_id, challenge, sad=None):
        sad = sad or self.sad(kak, credential_id, tran_id, challenge)
        return self.smartca('ssa/sic/signconfirm',
                            {'tranId': tran_id, 'credentialId': credential_id, 'sad': sad},
                            token=token)

    def to_acceptance(self, citizen_id, qr=False, kak=None):
        """Up to ACCEPTANCE_PENDING: activated, certificate issued. Adds
        'kak', 'credential_id', 'certificate' (the content) and 'tran_id'."""
        s = self.to_activation(citizen_id, qr=qr)
        kak = kak or Kak()
        r = self.activate(s['token'], kak)
        if r.status != 200:
            raise SandboxError('activate: %r' % r)
        a = r.json['content']
        r = self.certificate(s['token'], kak, a['credentialId'], a['challenge'])
        if r.status != 200:
            raise SandboxError('certificate: %r' % r)
        s.update(kak=kak, credential_id=a['credentialId'], certificate=r.json['content'],
                 tran_id=r.json['content']['tranId'])
        return s

    def to_active(self, citizen_id, qr=False, kak=None):
        """Up to ACTIVE: the acceptance record signed. Adds 'acceptance'."""
        s = self.to_acceptance(citizen_id, qr=qr, kak=kak)
        r = self.smartca('ssa/sic/waitingtraninfo', {'tranId': s['tran_id']}, token=s['token'])
        if r.status != 200:
            raise SandboxError('waitingtraninfo: %r' % r)
        r = self.confirm(s['token'], s['kak'], s['credential_id'], s['tran_id'],
                         r.json['content']['challenge'])
        if r.status != 200 or r.json['content']['tranStatus'] != 1:
            raise SandboxError('signconfirm: %r' % r)
        r = self.smartca('enrollment/acceptance', token=s['token'])
        if r.status != 200:
            raise SandboxError('acceptance: %r' % r)
        s['acceptance'] = r.json['content']
        return s

    def portal_signhash(self, citizen_id, hashes, description='Ký hồ sơ dịch vụ công'):
        r = self.control('POST', 'portal/signhash',
                         body={'citizen_id': citizen_id, 'description': description,
                               'datas': [{'name': 'ho-so-%d.pdf' % i, 'hash': h}
                                         for i, h in enumerate(hashes)]})
        if r.status != 200:
            raise SandboxError('portal/signhash: %r' % r)
        return r.json['tranId']

    def change_device(self, s, kak, citizen_id):
        """Steps 1 and 2 of a change of device to @kak: the device OTP and
        enrollment/activate with it; returns activate's content."""
        r = self.smartca('enrollment/device/otp', token=s['token'])
        if r.status != 200:
            raise SandboxError('device/otp: %r' % r)
        otp = self.latest_otp(CITIZENS[citizen_id]['phone'], 'device')
        r = self.activate(s['token'], kak, otp=otp)
        if r.status != 200:
            raise SandboxError('activate: %r' % r)
        return r.json['content']

    def confirm_device(self, s, kak, challenge):
        """Step 3: enrollment/device/confirm with a SAD by @kak."""
        return self.smartca('enrollment/device/confirm',
                            {'credentialId': s['credential_id'],
                             'sad': self.sad(kak, s['credential_id'], 'device', challenge)},
                            token=s['token'])

    def pin_verify(self, token, credential_id, verifier):
        return self.smartca('ssa/sic/pin/verify',
                            {'credentialId': credential_id, 'pinVerifier': verifier}, token=token)

    def pin_change(self, token, credential_id, verifier, new_verifier):
        return self.smartca('ssa/sic/pin/change',
                            {'credentialId': credential_id, 'pinVerifier': verifier,
                             'newPinVerifier': new_verifier}, token=token)


_TRANSACTION_HASHES = object()


def _remember_hashes(obj):
    """A transaction as the sandbox lists it: its documents' hashes."""
    docs = obj.get('documents')
    if isinstance(obj.get('tranId'), str) and isinstance(docs, list) and docs and all(
            isinstance(d, dict) and isinstance(d.get('hash'), str) for d in docs):
        TRAN_HASHES[obj['tranId']] = [d['hash'] for d in docs]


class Kak:
    """A key-authorisation key made here (python3-cryptography), with its
    device, as a client makes them; signs SADs (PROTOCOL.md, "SAD")."""

    def __init__(self, device_id=None, name='Máy tính của tôi', platform='linux-desktop',
                 bits=2048, pin=PIN):
        from cryptography.hazmat.primitives.asymmetric import rsa
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        self.device_id = device_id or str(uuid.uuid4())
        self.name = name
        self.platform = platform
        # The PIN guard: the salt stays with the key, the PIN may change.
        self.salt = os.urandom(16)
        self.pin = pin

    def verifier_b64(self, pin=None):
        return b64(pin_keys(pin or self.pin, self.salt)[0])

    @property
    def pin_verifier_b64(self):
        return self.verifier_b64()

    @property
    def public_der(self):
        from cryptography.hazmat.primitives import serialization
        return self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    @property
    def public_b64(self):
        return b64(self.public_der)

    def device(self):
        return {'deviceId': self.device_id, 'name': self.name, 'platform': self.platform}

    def sign(self, data):
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        return self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    def sad(self, credential_id, txn, challenge, now=None, lifetime=300, header=None,
            hashes=_TRANSACTION_HASHES, **claims):
        """@hashes: by default the hashes of @txn's documents as the sandbox
        listed them ([] for activation and device); None leaves the claim out."""
        iat = int(time.time()) if now is None else now
        if hashes is _TRANSACTION_HASHES:
            hashes = list(TRAN_HASHES.get(txn, []))
        body = {'iss': self.device_id, 'sub': credential_id, 'aud': 'smartca', 'txn': txn,
                'challenge': challenge, 'hashes': hashes, 'iat': iat, 'exp': iat + lifetime}
        if hashes is None:
            del body['hashes']
        body.update(claims)
        head = header or {'alg': 'RS256', 'typ': 'JWT'}
        signing_input = (b64url(json.dumps(head, separators=(',', ':')).encode()) + '.' +
                         b64url(json.dumps(body, separators=(',', ':')).encode()))
        return signing_input + '.' + b64url(self.sign(signing_input.encode('ascii')))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def registration_body(**consent):
    c = {'share_identity': True, 'terms_version': '2025.1'}
    c.update(consent)
    return {'service_pack': SERVICE_PACK, 'consent': c}


def mask_phone(phone):
    return phone[:2] + '*' * (len(phone) - 4) + phone[-2:]


def pdf_text(data):
    """The text of a PDF by pdftotext (poppler-utils), UTF-8, NFC."""
    out = subprocess.run(['pdftotext', '-enc', 'UTF-8', '-', '-'], input=data,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60, check=True)
    return unicodedata.normalize('NFC', out.stdout.decode('utf-8'))


@atexit.register
def _cleanup():
    for sb in list(_LIVE):
        try:
            sb.close()
        except Exception:
            pass


def _terminated(signum, frame):
    # meson's timeout sends SIGTERM: clean up (the atexit functions stop the
    # sandboxes and remove the directories) and leave at once; an exception
    # would only fail the current test and let unittest go on.
    atexit._run_exitfuncs()
    os._exit(128 + signum)


signal.signal(signal.SIGTERM, _terminated)


# --- unittest support -------------------------------------------------------

import sys  # noqa: E402
import unittest  # noqa: E402

# PROTOCOL.md, "Errors": the envelope codes, their HTTP status and codeDesc.
ENVELOPE_CODES = {
    0: (200, 'SUCCESS'),
    30000: (400, 'CLIENT_INPUT_INVALID'),
    62010: (400, 'SIGNATURE_DATA_REQUEST_INVALID_FORMAT'),
    44000: (400, 'OTP_INVALID'),
    44001: (400, 'OTP_EXPIRED'),
    44003: (400, 'HASH_MISMATCH'),
    45000: (400, 'SAD_INVALID'),
    45001: (400, 'CHALLENGE_EXPIRED'),
    40100: (401, 'UNAUTHENTICATED'),
    44002: (403, 'OTP_LOCKED'),
    60001: (403, 'CREDENTIAL_NOT_MATCH_IDENTITY'),
    62001: (403, 'SIGNATURE_TRANSACTION_NOT_MATCH_IDENTITY'),
    60000: (404, 'CREDENTIAL_NOT_EXIST'),
    62000: (404, 'SIGNATURE_TRANSACTION_NOT_FOUND'),
    40900: (409, 'WRONG_STATE'),
    41300: (413, 'TOO_LARGE'),
    42900: (429, 'TOO_SOON'),
    50000: (500, 'SERVAR_INTERNAL_ERROR'),
    50300: (503, 'UNAVAILABLE'),
}


class SandboxTestCase(unittest.TestCase):
    """A fresh sandbox for every test; after it, the process must still run,
    stop cleanly on SIGTERM, and its log must hold no warning and none of the
    secrets the test used."""

    sandbox_args = ()
    maxDiff = 4000

    def setUp(self):
        self.sb = Sandbox(extra_args=self.sandbox_args)
        self.addCleanup(self.sb.close)

    def tearDown(self):
        if self.sb.proc is not None:
            self.assertTrue(self.sb.running, 'the sandbox died; log:\n' + self.sb.log_tail())
            # A clean stop: exit status 0 (a sanitizer's report at exit fails it).
            self.sb.stop()
        leaked = self.sb.leaked_secrets()
        self.assertEqual(leaked, [], 'secrets in the sandbox log')
        self.assertEqual(self.sb.log_problems(), [], 'warnings in the sandbox log')

    # --- Shapes --------------------------------------------------------------

    def assertJson(self, r):
        self.assertEqual(r.content_type, 'application/json', r)
        self.assertIsNone(r.json_error, r)
        self.assertIsNotNone(r.json, r)

    def assertOAuthError(self, r, status, error, description=True):
        """RFC 6749 shape: {"error", "error_description", ...extra}."""
        self.assertJson(r)
        self.assertEqual((r.status, r.json.get('error') if isinstance(r.json, dict) else r.json),
                         (status, error), r)
        if description:
            self.assertIsInstance(r.json.get('error_description'), str, r)
        return r.json

    def assertEnvelopeOk(self, r, message='Success'):
        self.assertJson(r)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(r.json), {'code', 'codeDesc', 'message', 'content'}, r)
        self.assertEqual((r.json['code'], r.json['codeDesc']), (0, 'SUCCESS'), r)
        if message is not None:
            self.assertEqual(r.json['message'], message, r)
        return r.json['content']

    def assertEnvelopeError(self, r, status, code):
        self.assertJson(r)
        self.assertIsInstance(r.json, dict, r)
        self.assertEqual((r.status, r.json.get('code')), (status, code), r)
        self.assertTrue({'code', 'codeDesc', 'message', 'content'} <= set(r.json), r)
        if code in ENVELOPE_CODES:
            self.assertEqual(ENVELOPE_CODES[code], (status, r.json['codeDesc']), r)
        else:
            self.assertIsInstance(r.json['codeDesc'], str, r)
        self.assertIsInstance(r.json['message'], str, r)
        self.assertTrue(r.json['content'] is None or isinstance(r.json['content'], dict), r)
        return r.json['content']

    def assertEnvelopeFailure(self, r, statuses):
        """An envelope error whose code PROTOCOL.md does not name."""
        self.assertJson(r)
        self.assertIn(r.status, statuses, r)
        self.assertIsInstance(r.json.get('code'), int, r)
        self.assertNotEqual(r.json['code'], 0, r)
        self.assertTrue({'code', 'codeDesc', 'message', 'content'} <= set(r.json), r)

    def assertControlError(self, r, statuses):
        self.assertJson(r)
        self.assertIn(r.status, statuses, r)
        self.assertIsInstance(r.json, dict, r)
        self.assertIsInstance(r.json.get('error'), str, r)

    def assertRfc3339(self, value):
        self.assertIsInstance(value, str)
        self.assertRegex(value, RFC3339)

    def assertVneidTokens(self, r, scope=DEFAULT_SCOPE):
        self.assertJson(r)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(r.json), {'access_token', 'token_type', 'expires_in', 'scope'}, r)
        self.assertEqual((r.json['token_type'], r.json['expires_in'], r.json['scope']),
                         ('Bearer', 900, scope), r)
        self.assertIsInstance(r.json['access_token'], str)
        self.assertGreaterEqual(len(r.json['access_token']), 16)
        self.assertNoStore(r)
        return r.json['access_token']

    def assertNoStore(self, r):
        # RFC 6749 §5.1: an answer with tokens is never cached.
        self.assertIn('no-store', (r.header('Cache-Control') or '').lower(), r)

    def assertSmartcaTokens(self, r):
        self.assertJson(r)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(r.json), {'access_token', 'refresh_token', 'token_type',
                                       'expires_in', 'scope'}, r)
        self.assertEqual((r.json['token_type'], r.json['expires_in'], r.json['scope']),
                         ('bearer', 3599, 'sign offline_access'), r)
        self.assertNotEqual(r.json['access_token'], r.json['refresh_token'])
        self.assertNoStore(r)
        return r.json


def main(required=None, title='sandbox'):
    """Runs the module's tests; with @required (a list of (endpoint,
    status, code)), fails unless each of them was exercised."""
    program = unittest.main(exit=False, verbosity=2)
    ok = program.result.wasSuccessful()
    # Only a whole run can say that something was never exercised.
    if required is not None and len(sys.argv) == 1:
        missing = [r for r in required if r not in EXERCISED]
        if missing:
            ok = False
            print('\nFAIL: %s: never exercised (endpoint, status, code):' % title)
            for item in missing:
                print('  %r' % (item,))
            seen = sorted(EXERCISED, key=repr)
            print('exercised:')
            for item in seen:
                print('  %r' % (item,))
        else:
            print('\n%s: all %d (endpoint, status, code) of the list exercised'
                  % (title, len(required)))
    sys.exit(0 if ok else 1)
