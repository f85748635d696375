#!/usr/bin/env python3
"""Loopback fake of the Gemini API, Vertex AI (+ OAuth token endpoint, metadata server),
the Gemini Batch/Files API and the OpenAI-compatible API. Python standard library only.

Every request is checked (auth header, path, JSON shape); answers are plausible summaries
derived from the prompt. Faults are injected per *model name* (so parallel tests that use
different model names never disturb each other) through POST /_faults:

    {"model": "m1", "script": ["429", "503", "ok"],        # consumed in order by that model's calls
     "rates": {"503": 0.05}, "seed": 7,                    # random faults after the script
     "latency_ms": 300, "retry_after": 2, "retry_delay": "3s", "timeout_s": 5, "rpm": 600}

Fault names: ok 429 429_retry_info 429_per_day 500 503 timeout drop malformed blocked empty
max_tokens bad_json safety phone number copy.  "model": "*" sets the defaults for all models.
GET /_log (last 2000 requests), GET /_stats[?model=m] (requests, tokens, per-key counts),
POST /_reset.  Start: python3 fake_llm.py --port-file F [--public-key pub.pem] [--client-email E].
"""
import argparse, base64, json, os, random, re, secrets, socket, subprocess, sys, tempfile, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

ARGS = None
LOCK = threading.Lock()
STATE = {"faults": {}, "log": [], "stats": {}, "tokens": {}, "batches": {}, "files": {}, "uploads": {},
         "rng": {}, "buckets": {}}
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def count_tokens(text):
    """Deterministic token count: Hangul syllables / 1.5 + other words."""
    hangul = len(HANGUL.findall(text))
    words = len(re.findall(r"[A-Za-z0-9]+", text))
    return max(1, int(hangul / 1.5) + words)


def b64url_decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def stats_for(model):
    return STATE["stats"].setdefault(model, {"requests": 0, "ok": 0, "prompt_tokens": 0, "output_tokens": 0,
                                              "total_tokens": 0, "faults": {}, "per_key": {}, "by_kind": {}})


def faults_for(model):
    f = dict(STATE["faults"].get("*", {}))
    f.update(STATE["faults"].get(model, {}))
    return f


def choose_fault(model, kind):
    """Picks the fault for one eligible request (script first, then random rates)."""
    with LOCK:
        f = faults_for(model)
        kinds = f.get("kinds", ["generate", "embed", "chat", "chat_embed"])
        if kind not in kinds:
            return "ok", f
        script = STATE["faults"].get(model, {}).get("script")
        if script:
            return script.pop(0), f
        rates = f.get("rates") or {}
        if rates:
            rng = STATE["rng"].setdefault(model, random.Random(f.get("seed", 1)))
            x = rng.random()
            for name, p in sorted(rates.items()):
                if x < p:
                    return name, f
                x -= p
        return "ok", f


def rpm_allows(model, f):
    rpm = f.get("rpm")
    if not rpm:
        return True
    now = time.monotonic()
    with LOCK:
        rate = rpm / 60.0
        cap = max(1.0, rate * f.get("rpm_burst_s", 2.0))
        b = STATE["buckets"].setdefault(model, [cap, now])
        b[0] = min(cap, b[0] + (now - b[1]) * rate)
        b[1] = now
        if b[0] >= 1:
            b[0] -= 1
            return True
        stats_for(model)["rpm_rejections"] = stats_for(model).get("rpm_rejections", 0) + 1
        return False


# ---------------------------------------------------------------- summaries from prompts
def extract_name(prompt):
    for pat in [r"(?:가게\s*이름|상호명?|가게명|매장명|이름|식당)\s*[:：]\s*(.+)", r"(?i)(?:shop\s*name|name)\s*[:：]\s*(.+)",
                r"#\s*(.+)"]:
        m = re.search(pat, prompt)
        if m:
            return m.group(1).strip().strip('"「」')[:40]
    for line in prompt.splitlines():
        if line.strip():
            return line.strip()[:30]
    return "이 가게"


def extract_key(prompt):
    m = re.search(r"(?i)(?:shop[_ ]?id|가게\s*ID|key)\s*[:=：]\s*([\w.\-]+)", prompt)
    if m:
        return m.group(1)
    m = re.search(r"(?:^|\n)\s*-?\s*(?:이름|가게\s*이름|name)\s*[:：]\s*(.+)", prompt, re.I)
    return m.group(1).strip() if m else "<none>"


def review_sentences(prompt):
    tagged = re.findall(r"(?s)<review\b[^>]*>(.*?)</review>", prompt)
    if tagged:
        lines = tagged
    else:
        block = prompt
        m = re.search(r"(?s)(?:^|\n)\s*#*\s*(?:리뷰|reviews?)\s*[:：]?\s*\n(.*?)(?:\n\s*\n|\Z)", prompt, re.I)
        if m:
            block = m.group(1)
        lines = block.splitlines()
    sentences = []
    for line in lines:
        line = re.sub(r"^[\s\-*>\d.)\]]+", "", line).strip()
        for s in re.split(r"(?<=[.!?。~])\s*|(?<=요)\s+|(?<=다)\s+", line):
            s = re.sub(r"[^\w\s가-힣.,]", "", s).strip(" .,")
            s = re.sub(r"\s+", " ", s)
            if 8 <= len(s) <= 80 and HANGUL.search(s) and ":" not in s:
                sentences.append(s)
    return sentences


def example_sentence(prompt):
    m = re.search(r"(?s)<example[^>]*>(.*?)</example>", prompt)
    if m:
        return m.group(1).strip().split(". ")[0].rstrip(".") + "."
    m = re.search(r"(?is)(?:예시|example)[^\n]*\n+\s*(?:[-*\d.)]+\s*)?(.+)", prompt)
    return m.group(1).strip() if m else "정갈한 한 끼를 즐길 수 있는 곳이다."


def length_bounds(prompt):
    m = re.search(r"최소\s*(\d+)\s*자\s*,?\s*최대\s*(\d+)\s*자", prompt) or re.search(r"(\d+)\s*~\s*(\d+)\s*자", prompt)
    return (int(m.group(1)), int(m.group(2))) if m else (60, 260)


def make_summary(prompt, fault):
    name = extract_name(prompt)
    lo, hi = length_bounds(prompt)
    m = re.search(r"(?:업종|cuisine)\s*[:：]\s*(.+)", prompt)
    kind = m.group(1).strip() if m else "식당"
    sents = review_sentences(prompt) or ["방문객들이 음식과 분위기를 고르게 칭찬한다"]
    parts = [f"{name}은(는) {kind}을(를) 내는 곳이다."]
    used = []
    for sent in sents:
        candidate = " ".join(parts + [f"방문객들은 {sent}라고 전한다."])
        if len(candidate) > hi - 40:
            break
        parts.append(f"방문객들은 {sent}라고 전한다.")
        used.append(sent)
        if len(" ".join(parts)) >= lo + 30:
            break
    while len(" ".join(parts)) < lo + 5:
        parts.append("편안하게 식사하기 좋은 분위기다.")
    text = " ".join(parts)
    if fault == "phone":
        text += " 예약은 02-1234-5678로 문의하면 된다."
    elif fault == "number":
        text += " 개업 이후 누적 방문객이 37만 명을 넘었다."
    elif fault == "copy":
        text = example_sentence(prompt) + " " + text
    words = re.findall(r"[\uac00-\ud7a3]{2,}", " ".join(used or sents))
    return {"summary": text, "highlights": (used or sents)[:2], "keywords": list(dict.fromkeys(words))[:3]}


# ---------------------------------------------------------------- handler
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    # -- plumbing
    def body_bytes(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send(self, status, obj=None, raw=None, headers=None, ctype="application/json"):
        data = raw if raw is not None else json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def google_error(self, status, code_name, message, details=None, headers=None):
        self.send(status, {"error": {"code": status, "status": code_name, "message": message,
                                     "details": details or []}}, headers=headers)

    def record(self, kind, model, status, extra=None):
        with LOCK:
            entry = {"t": time.time(), "method": self.command, "path": urlparse(self.path).path, "kind": kind,
                     "model": model, "status": status}
            entry.update(extra or {})
            STATE["log"].append(entry)
            del STATE["log"][:-2000]

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def route(self, method):
        url = urlparse(self.path)
        path, query = url.path, parse_qs(url.query)
        body = self.body_bytes() if method == "POST" else b""
        try:
            if path.startswith("/_"):
                return self.admin(method, path, query, body)
            if path == "/token" and method == "POST":
                return self.oauth_token(body)
            if path == "/computeMetadata/v1/instance/service-accounts/default/token":
                return self.metadata_token()
            m = re.fullmatch(r"/v1beta/models/([\w.\-]+):(generateContent|embedContent|batchEmbedContents|batchGenerateContent)", path)
            if m and method == "POST":
                if not self.check_api_key():
                    return
                return self.gemini_call(m.group(1), m.group(2), body, flavor="gemini")
            m = re.fullmatch(r"/v1/projects/([\w\-]+)/locations/([\w\-]+)/publishers/google/models/([\w.\-]+):(generateContent|embedContent|batchEmbedContents)", path)
            if m and method == "POST":
                if not self.check_bearer():
                    return
                return self.gemini_call(m.group(3), m.group(4), body, flavor="vertex")
            m = re.fullmatch(r"/openai/v1/(chat/completions|embeddings)", path)
            if m and method == "POST":
                return self.openai_call(m.group(1), body)
            if path == "/upload/v1beta/files" and method == "POST":
                return self.upload(query, body)
            m = re.fullmatch(r"/v1beta/batches/([\w\-]+)(:cancel)?", path)
            if m:
                if not self.check_api_key():
                    return
                return self.batch_get(m.group(1), cancel=bool(m.group(2)))
            m = re.fullmatch(r"/download/v1beta/files/([\w\-]+):download", path)
            if m and method == "GET":
                if not self.check_api_key():
                    return
                with LOCK:
                    data = STATE["files"].get(m.group(1))
                if data is None:
                    return self.google_error(404, "NOT_FOUND", "file not found")
                return self.send(200, raw=data, ctype="application/jsonl")
            self.google_error(404, "NOT_FOUND", f"no route for {method} {path}")
        except (BrokenPipeError, ConnectionResetError):
            pass

    # -- auth
    def check_api_key(self):
        key = self.headers.get("x-goog-api-key")
        if key != ARGS.api_key:
            self.google_error(400 if key is None else 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                              [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}])
            self.record("auth", None, 400)
            return False
        return True

    def check_bearer(self):
        auth = self.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else None
        with LOCK:
            exp = STATE["tokens"].get(token)
        if exp is None or exp < time.time():
            self.google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
            self.record("auth", None, 401)
            return False
        return True

    def issue_token(self, kind):
        token = "ya29.fake-" + secrets.token_hex(16)
        ttl = int(faults_for("*").get("token_ttl", 3599))
        with LOCK:
            STATE["tokens"][token] = time.time() + ttl
            s = stats_for("_auth")
            s["by_kind"][kind] = s["by_kind"].get(kind, 0) + 1
        return token, ttl

    def oauth_token(self, body):
        form = parse_qs(body.decode())
        if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
            return self.send(400, {"error": "unsupported_grant_type"})
        parts = (form.get("assertion") or [""])[0].split(".")
        if len(parts) != 3:
            return self.send(400, {"error": "invalid_grant", "error_description": "malformed JWT"})
        try:
            header, claims = json.loads(b64url_decode(parts[0])), json.loads(b64url_decode(parts[1]))
        except Exception:
            return self.send(400, {"error": "invalid_grant", "error_description": "undecodable JWT"})
        now = time.time()
        problems = []
        if header.get("alg") != "RS256" or header.get("typ") != "JWT":
            problems.append("header alg/typ")
        if ARGS.client_email and claims.get("iss") != ARGS.client_email:
            problems.append("iss")
        if claims.get("aud") != f"http://127.0.0.1:{self.server.server_port}/token":
            problems.append("aud")
        if claims.get("scope") != "https://www.googleapis.com/auth/cloud-platform":
            problems.append("scope")
        iat, exp = claims.get("iat", 0), claims.get("exp", 0)
        if not (iat - 300 <= now <= exp + 300) or exp - iat > 3600:
            problems.append("iat/exp")
        if not verify_rs256(parts[0] + "." + parts[1], b64url_decode(parts[2])):
            problems.append("signature")
        if problems:
            self.record("token", None, 400, {"problems": problems})
            return self.send(400, {"error": "invalid_grant", "error_description": "bad JWT: " + ", ".join(problems)})
        token, ttl = self.issue_token("oauth")
        self.record("token", None, 200)
        self.send(200, {"access_token": token, "expires_in": ttl, "token_type": "Bearer"})

    def metadata_token(self):
        if self.headers.get("Metadata-Flavor") != "Google":
            return self.send(403, {"error": "missing Metadata-Flavor header"})
        token, ttl = self.issue_token("metadata")
        self.send(200, {"access_token": token, "expires_in": ttl, "token_type": "Bearer"})

    # -- fault application; returns True when the fault already answered
    def apply_transport_fault(self, model, kind, fault, f):
        latency = f.get("latency_ms", 0) / 1000.0
        if latency:
            time.sleep(latency)
        s = stats_for(model)
        if fault != "ok":
            with LOCK:
                s["faults"][fault] = s["faults"].get(fault, 0) + 1
        if not rpm_allows(model, f):
            self.record(kind, model, 429, {"fault": "rpm"})
            self.google_error(429, "RESOURCE_EXHAUSTED", "Resource exhausted (fake RPM limit).",
                              [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1s"}])
            return True
        if fault in ("ok", "blocked", "empty", "max_tokens", "bad_json", "safety", "phone", "number", "copy"):
            return False
        self.record(kind, model, 0, {"fault": fault})
        if fault == "429":
            self.google_error(429, "RESOURCE_EXHAUSTED", "Resource exhausted, please try again later.",
                              headers={"Retry-After": str(f.get("retry_after", 1))})
        elif fault == "429_retry_info":
            self.google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for metric requests per minute.", [
                {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                 "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_content_requests",
                                 "quotaId": "GenerateRequestsPerMinutePerProjectPerModel"}]},
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f.get("retry_delay", "3s")}])
        elif fault == "429_per_day":
            self.google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for requests per day.", [
                {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                 "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_content_requests",
                                 "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]},
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "40000s"}])
        elif fault in ("500", "502", "503", "504", "400", "403", "404"):
            names = {"500": "INTERNAL", "502": "UNAVAILABLE", "503": "UNAVAILABLE", "504": "DEADLINE_EXCEEDED",
                     "400": "INVALID_ARGUMENT", "403": "PERMISSION_DENIED", "404": "NOT_FOUND"}
            self.google_error(int(fault), names[fault], "The model is overloaded. Please try again later."
                              if fault == "503" else f"fake {fault}")
        elif fault == "timeout":
            time.sleep(f.get("timeout_s", 5))
            self.google_error(504, "DEADLINE_EXCEEDED", "late answer after injected timeout")
        elif fault == "drop":
            # Cut the connection mid-response (status line and part of the headers sent).
            self.close_connection = True
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"cand")
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        elif fault == "malformed":
            self.send(200, raw=b'{"candidates": [{"content": {"parts": [{"text": "{\\"summ')
        else:
            self.google_error(500, "INTERNAL", f"unknown fault {fault}")
        return True

    # -- Gemini / Vertex
    def gemini_call(self, model, method, body, flavor):
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            return self.google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        if method == "batchGenerateContent":
            return self.batch_create(model, req)
        kind = "generate" if method == "generateContent" else "embed"
        fault, f = choose_fault(model, kind)
        with LOCK:
            stats_for(model)["requests"] += 1
        if self.apply_transport_fault(model, kind, fault, f):
            return
        if method == "generateContent":
            result, err = generate_response(model, req, fault)
        elif method == "embedContent":
            result, err = embed_one(req, flavor)
        else:
            reqs = req.get("requests")
            if not isinstance(reqs, list) or not reqs:
                result, err = None, "requests must be a non-empty list"
            else:
                outs = [embed_one(r, flavor, batch_model=model) for r in reqs]
                err = next((e for _, e in outs if e), None)
                result = {"embeddings": [o["embedding"] for o, _ in outs]} if not err else None
        if err:
            self.record(kind, model, 400, {"error": err})
            return self.google_error(400, "INVALID_ARGUMENT", err)
        self.account(model, kind, result.get("usageMetadata"), req)
        self.record(kind, model, 200, {"fault": fault, "flavor": flavor})
        self.send(200, result)

    def account(self, model, kind, usage, req, prompt_text=None):
        with LOCK:
            s = stats_for(model)
            s["ok"] += 1
            s["by_kind"][kind] = s["by_kind"].get(kind, 0) + 1
            if usage:
                s["prompt_tokens"] += usage.get("promptTokenCount", usage.get("prompt_tokens", 0))
                s["output_tokens"] += usage.get("candidatesTokenCount", usage.get("completion_tokens", 0))
                s["total_tokens"] += usage.get("totalTokenCount", usage.get("total_tokens", 0))
            if kind in ("generate", "chat"):
                key = extract_key(prompt_text if prompt_text is not None else prompt_of(req))
                s["per_key"][key] = s["per_key"].get(key, 0) + 1

    def openai_call(self, op, body):
        auth = self.headers.get("Authorization", "")
        if auth != "Bearer " + ARGS.openai_key:
            self.record("auth", None, 401)
            return self.send(401, {"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error",
                                             "code": "invalid_api_key"}})
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            return self.send(400, {"error": {"message": "invalid JSON", "type": "invalid_request_error"}})
        model = req.get("model") or "?"
        kind = "chat" if op == "chat/completions" else "chat_embed"
        fault, f = choose_fault(model, kind)
        with LOCK:
            stats_for(model)["requests"] += 1
        if self.apply_transport_fault(model, kind, fault, f):
            return
        if kind == "chat":
            result, err, prompt = chat_response(model, req, fault)
        else:
            result, err, prompt = openai_embeddings(model, req), None, None
            if isinstance(result, str):
                result, err = None, result
        if err:
            self.record(kind, model, 400, {"error": err})
            return self.send(400, {"error": {"message": err, "type": "invalid_request_error"}})
        self.account(model, kind, result.get("usage"), req, prompt_text=prompt)
        self.record(kind, model, 200, {"fault": fault})
        self.send(200, result)

    # -- batches and files
    def upload(self, query, body):
        if self.headers.get("x-goog-api-key") != ARGS.api_key:
            return self.google_error(400, "INVALID_ARGUMENT", "API key not valid.")
        cmd = self.headers.get("X-Goog-Upload-Command", "")
        if "upload_id" not in query:
            if self.headers.get("X-Goog-Upload-Protocol") != "resumable" or cmd != "start":
                return self.google_error(400, "INVALID_ARGUMENT", "expected resumable start")
            uid = secrets.token_hex(8)
            with LOCK:
                STATE["uploads"][uid] = {"meta": json.loads(body or b"{}"),
                                         "length": int(self.headers.get("X-Goog-Upload-Header-Content-Length", "-1"))}
            url = f"http://127.0.0.1:{self.server.server_port}/upload/v1beta/files?upload_id={uid}"
            return self.send(200, {}, headers={"X-Goog-Upload-URL": url, "X-Goog-Upload-Status": "active"})
        uid = query["upload_id"][0]
        with LOCK:
            up = STATE["uploads"].pop(uid, None)
        if up is None or cmd != "upload, finalize" or self.headers.get("X-Goog-Upload-Offset") != "0":
            return self.google_error(400, "INVALID_ARGUMENT", "bad upload session/command/offset")
        if up["length"] >= 0 and up["length"] != len(body):
            return self.google_error(400, "INVALID_ARGUMENT", f"length {len(body)} != declared {up['length']}")
        fid = "f" + secrets.token_hex(6)
        with LOCK:
            STATE["files"][fid] = body
        self.record("upload", up["meta"].get("file", {}).get("display_name"), 200, {"bytes": len(body)})
        self.send(200, {"file": {"name": f"files/{fid}", "sizeBytes": str(len(body)), "state": "ACTIVE",
                                 "mimeType": "application/jsonl"}})

    def batch_create(self, model, req):
        batch = req.get("batch") or {}
        inp = batch.get("inputConfig") or {}
        items = []
        if "requests" in inp:
            for r in (inp["requests"] or {}).get("requests", []):
                items.append(((r.get("metadata") or {}).get("key"), r.get("request")))
        elif "fileName" in inp:
            fid = inp["fileName"].split("/")[-1]
            with LOCK:
                data = STATE["files"].get(fid)
            if data is None:
                return self.google_error(404, "NOT_FOUND", f"file {inp['fileName']} not found")
            for line in data.decode().splitlines():
                if line.strip():
                    obj = json.loads(line)
                    items.append((obj.get("key"), obj.get("request")))
        else:
            return self.google_error(400, "INVALID_ARGUMENT", "inputConfig needs requests or fileName")
        if not items or any(k is None or not isinstance(r, dict) for k, r in items):
            return self.google_error(400, "INVALID_ARGUMENT", "every request needs a key and a request")
        bid = "b" + secrets.token_hex(6)
        with LOCK:
            STATE["batches"][bid] = {"model": model, "items": items, "polls": 0, "state": "BATCH_STATE_PENDING",
                                     "inline": "requests" in inp, "name": batch.get("displayName")}
        self.record("batch_create", model, 200, {"count": len(items)})
        self.send(200, self.batch_view(bid))

    def batch_view(self, bid):
        b = STATE["batches"][bid]
        meta = {"@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch",
                "name": f"batches/{bid}", "displayName": b["name"], "model": f"models/{b['model']}",
                "state": b["state"], "batchStats": {"requestCount": str(len(b["items"]))}}
        view = {"name": f"batches/{bid}", "metadata": meta, "done": b["state"] in (
            "BATCH_STATE_SUCCEEDED", "BATCH_STATE_FAILED", "BATCH_STATE_CANCELLED", "BATCH_STATE_EXPIRED")}
        if "response" in b:
            view["response"] = b["response"]
        return view

    def batch_get(self, bid, cancel):
        with LOCK:
            b = STATE["batches"].get(bid)
        if b is None:
            return self.google_error(404, "NOT_FOUND", f"batch {bid} not found")
        with LOCK:
            if cancel:
                if b["state"] in ("BATCH_STATE_PENDING", "BATCH_STATE_RUNNING"):
                    b["state"] = "BATCH_STATE_CANCELLED"
                return self.send(200, {})
            b["polls"] += 1
            need = int(faults_for(b["model"]).get("batch_polls", 2))
            fail = faults_for(b["model"]).get("batch_fail")
            if b["state"] == "BATCH_STATE_PENDING":
                b["state"] = "BATCH_STATE_RUNNING"
            if b["state"] == "BATCH_STATE_RUNNING" and b["polls"] >= need:
                if fail:
                    b["state"] = "BATCH_STATE_FAILED"
                else:
                    self_complete(bid, b)
            view = self.batch_view(bid)
        self.send(200, view)


def self_complete(bid, b):
    """Runs every request of a batch (called with LOCK held) and stores the results."""
    results = []
    s = stats_for(b["model"])
    for key, req in b["items"]:
        res, err = generate_response(b["model"], req, "ok")
        if err:
            results.append({"key": key, "error": {"code": 3, "message": err}})
            continue
        u = res["usageMetadata"]
        s["prompt_tokens"] += u["promptTokenCount"]
        s["output_tokens"] += u["candidatesTokenCount"]
        s["total_tokens"] += u["totalTokenCount"]
        s["per_key"][key] = s["per_key"].get(key, 0) + 1
        s["by_kind"]["batch"] = s["by_kind"].get("batch", 0) + 1
        results.append({"key": key, "response": res})
    b["state"] = "BATCH_STATE_SUCCEEDED"
    if b["inline"]:
        b["response"] = {"@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput",
                         "inlinedResponses": {"inlinedResponses": [
                             {"metadata": {"key": r["key"]}, **({"response": r["response"]} if "response" in r
                                                                 else {"error": r["error"]})} for r in results]}}
    else:
        fid = "r" + secrets.token_hex(6)
        STATE["files"][fid] = "\n".join(json.dumps(r, ensure_ascii=False) for r in results).encode() + b"\n"
        b["response"] = {"responsesFile": f"files/{fid}"}


def prompt_of(req):
    texts = []
    for c in req.get("contents") or []:
        for p in c.get("parts") or []:
            texts.append(p.get("text") or "")
    return "\n".join(texts)


def generate_response(model, req, fault):
    contents = req.get("contents")
    if not isinstance(contents, list) or not contents or not all(isinstance(c.get("parts"), list) for c in contents):
        return None, "contents must be a non-empty list of {role, parts}"
    if contents[0].get("role") != "user":
        return None, "first content must have role user"
    cfg = req.get("generationConfig") or {}
    if "responseSchema" in cfg and "responseJsonSchema" in cfg:
        return None, "use only one of responseSchema and responseJsonSchema"
    if cfg.get("responseJsonSchema") is not None and cfg.get("responseMimeType") != "application/json":
        return None, "responseJsonSchema requires responseMimeType application/json"
    si = req.get("systemInstruction")
    if si is not None and not isinstance(si.get("parts"), list):
        return None, "systemInstruction.parts must be a list"
    prompt = prompt_of(req)
    system = prompt_of({"contents": [si]}) if si else ""
    ptok = count_tokens(prompt) + count_tokens(system) if system else count_tokens(prompt)
    if fault == "blocked" or "BLOCK_ME" in prompt:
        return {"promptFeedback": {"blockReason": "SAFETY"},
                "usageMetadata": {"promptTokenCount": ptok, "totalTokenCount": ptok}, "modelVersion": model}, None
    if fault == "empty":
        return {"candidates": [], "usageMetadata": {"promptTokenCount": ptok, "totalTokenCount": ptok},
                "modelVersion": model}, None
    summary = make_summary(contents[0]["parts"][0].get("text", ""), fault)
    text = json.dumps(summary, ensure_ascii=False)
    finish = "STOP"
    if fault == "bad_json":
        text = '{"summary": 42, "note": "not the schema"}'
    elif fault == "max_tokens":
        text, finish = text[: len(text) // 3], "MAX_TOKENS"
    elif fault == "safety":
        text, finish = "", "SAFETY"
    otok = count_tokens(text)
    return {"candidates": [{"content": {"role": "model", "parts": [{"text": text}] if text else []},
                            "finishReason": finish, "index": 0}],
            "usageMetadata": {"promptTokenCount": ptok, "candidatesTokenCount": otok, "totalTokenCount": ptok + otok},
            "modelVersion": model, "responseId": secrets.token_hex(6)}, None


def fake_vector(text, dim):
    rng = random.Random(hash_text(text))
    return [rng.uniform(-1, 1) * 3 for _ in range(dim)]  # deliberately not unit length


def hash_text(text):
    h = 0xcbf29ce484222325
    for b in text.encode():
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def embed_one(req, flavor, batch_model=None):
    content = req.get("content") or {}
    parts = content.get("parts")
    if not isinstance(parts, list) or not parts or not isinstance(parts[0].get("text"), str):
        return None, "content.parts[0].text is required"
    if flavor == "vertex":
        cfg = req.get("embedContentConfig") or {}
        if "taskType" in req or "outputDimensionality" in req:
            return None, "Vertex expects taskType/outputDimensionality inside embedContentConfig"
    else:
        cfg = req
        if batch_model and req.get("model") != f"models/{batch_model}":
            return None, f"requests[].model must be models/{batch_model}"
    task = cfg.get("taskType")
    allowed = {"RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT", "SEMANTIC_SIMILARITY", "CLASSIFICATION", "CLUSTERING",
               "QUESTION_ANSWERING", "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY", None}
    if task not in allowed:
        return None, f"unknown taskType {task}"
    dim = int(cfg.get("outputDimensionality") or 3072)
    if not 128 <= dim <= 3072:
        return None, "outputDimensionality must be within [128, 3072]"
    return {"embedding": {"values": fake_vector(parts[0]["text"], dim)}}, None


def chat_response(model, req, fault):
    msgs = req.get("messages")
    if not isinstance(msgs, list) or not msgs or not all(m.get("role") in ("system", "user", "assistant") for m in msgs):
        return None, "messages must be a list of {role, content}", None
    rf = req.get("response_format") or {}
    if rf.get("type") == "json_schema" and not isinstance((rf.get("json_schema") or {}).get("schema"), dict):
        return None, "response_format.json_schema.schema is required", None
    user = next((m["content"] for m in msgs if m["role"] == "user"), "")
    prompt = "\n".join(m.get("content", "") for m in msgs)
    ptok = count_tokens(prompt)
    summary = make_summary(user, fault)
    text, finish = json.dumps(summary, ensure_ascii=False), "stop"
    if fault == "bad_json":
        text = "Sure! Here is the summary: " + summary["summary"]
    elif fault == "max_tokens":
        text, finish = text[: len(text) // 3], "length"
    elif fault in ("blocked", "safety"):
        text, finish = "", "content_filter"
    elif fault == "empty":
        return {"id": "chatcmpl-x", "object": "chat.completion", "model": model, "choices": [],
                "usage": {"prompt_tokens": ptok, "completion_tokens": 0, "total_tokens": ptok}}, None, user
    otok = count_tokens(text)
    return {"id": "chatcmpl-" + secrets.token_hex(6), "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}],
            "usage": {"prompt_tokens": ptok, "completion_tokens": otok, "total_tokens": ptok + otok}}, None, user


def openai_embeddings(model, req):
    inp = req.get("input")
    if isinstance(inp, str):
        inp = [inp]
    if not isinstance(inp, list) or not inp or not all(isinstance(x, str) for x in inp):
        return "input must be a string or a list of strings"
    dim = int(req.get("dimensions") or 1536)
    data = [{"object": "embedding", "index": i, "embedding": fake_vector(t, dim)} for i, t in enumerate(inp)]
    data.reverse()  # clients must order by index
    tok = sum(count_tokens(t) for t in inp)
    return {"object": "list", "data": data, "model": model, "usage": {"prompt_tokens": tok, "total_tokens": tok}}


def verify_rs256(signing_input, signature):
    if not ARGS.public_key:
        return False
    with tempfile.TemporaryDirectory() as d:
        msg, sig = os.path.join(d, "msg"), os.path.join(d, "sig")
        with open(msg, "wb") as fh:
            fh.write(signing_input.encode())
        with open(sig, "wb") as fh:
            fh.write(signature)
        r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", ARGS.public_key, "-signature", sig, msg],
                           capture_output=True)
        return r.returncode == 0


def admin(self, method, path, query, body):
    if path == "/_faults" and method == "POST":
        cfg = json.loads(body or b"{}")
        model = cfg.pop("model", "*")
        with LOCK:
            STATE["faults"][model] = cfg
            STATE["rng"].pop(model, None)
            STATE["buckets"].pop(model, None)
        return self.send(200, {"ok": True, "model": model})
    if path == "/_reset" and method == "POST":
        with LOCK:
            for k in ("faults", "stats", "rng", "buckets"):
                STATE[k].clear()
            STATE["log"].clear()
        return self.send(200, {"ok": True})
    if path == "/_log":
        model = (query.get("model") or [None])[0]
        with LOCK:
            log = [e for e in STATE["log"] if model is None or e.get("model") == model]
        return self.send(200, {"log": log})
    if path == "/_stats":
        model = (query.get("model") or [None])[0]
        with LOCK:
            data = json.loads(json.dumps(STATE["stats"].get(model, {}) if model else STATE["stats"]))
        return self.send(200, data)
    if path == "/_health":
        return self.send(200, {"ok": True})
    self.send(404, {"error": "unknown admin path"})


Handler.admin = admin


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--api-key", default="test-gemini-key-0123456789")
    p.add_argument("--openai-key", default="test-openai-key-0123456789")
    p.add_argument("--public-key")
    p.add_argument("--client-email", default="")
    p.add_argument("--faults", help="JSON defaults for all models")
    ARGS = p.parse_args()
    if ARGS.faults:
        STATE["faults"]["*"] = json.loads(ARGS.faults)
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 256
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    port = server.server_address[1]
    if ARGS.port_file:
        tmp = ARGS.port_file + ".tmp"
        with open(tmp, "w") as fh:
            fh.write(str(port))
        os.replace(tmp, ARGS.port_file)
    print(f"fake_llm listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
