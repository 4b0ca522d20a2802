"""The load process of bench/scale.py: HTTP requests to the served site, timed from outside.

    .venv/bin/python bench/load.py < plan.json > results.json

Runs apart from the site (its own process, talking over loopback, as a browser or the host
platform would) and imports nothing of the project. The plan (JSON on stdin) names the
base URL, the accounts to sign in with and the rows; for each row and concurrency it runs
`threads` threads, each on its own keep-alive connection with its own signed-in session,
sharing out the row's requests, and reports per repetition the latency of every request
and the wall time. A response other than the expected statuses is an error, counted and
shown with its first bytes.

Plan:
    {"base": "http://127.0.0.1:8765",
     "accounts": {"cadre": [["s000001", "password"], ...], "admin": [...]},
     "rows": [{"name": "...", "as": "cadre" | null, "expect": [200],
               "runs": [{"shares": [[[method, path, body or null, bearer token or null],
                                      ...] for each thread]}, ...]}]}
A row's runs are its concurrencies and repetitions; each thread sends its own share, so a
cadre's lesson pages go to that cadre's session.
"""

import http.client
import json
import re
import sys
import threading
import time
from urllib.parse import urlencode, urlsplit

CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Session:
    """One keep-alive connection with its own cookies."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # gunicorn closed an idle keep-alive connection: reconnect once.
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def sign_in(self, username, password):
        status, page = self.request("GET", "/accounts/login/")
        token = CSRF_FIELD.search(page)
        if status != 200 or token is None:
            raise SystemExit(f"sign-in page: {status}")
        form = urlencode(
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        )
        status, page = self.request(
            "POST",
            "/accounts/login/",
            form,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{self.host}:{self.port}/accounts/login/",
            },
        )
        if status != 302:
            raise SystemExit(f"signing in as {username}: {status} {page[:200]!r}")


def run(sessions, shares, expect):
    """Each share sent by its session's thread; (latencies ms, wall s, errors)."""
    latencies, errors, lock = [], [], threading.Lock()

    def work(session, share):
        mine, wrong = [], []
        for method, path, body, token in share:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            if body is not None:
                body = json.dumps(body)
                headers["Content-Type"] = "application/json"
            started = time.perf_counter()
            status, data = session.request(method, path, body, headers)
            mine.append((time.perf_counter() - started) * 1000)
            if status not in expect:
                wrong.append(f"{method} {path}: {status} {data[:160]!r}")
        with lock:
            latencies.extend(mine)
            errors.extend(wrong)

    threads = [
        threading.Thread(target=work, args=(session, share))
        for session, share in zip(sessions, shares, strict=True)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, errors


def main():
    plan = json.load(sys.stdin)
    base = plan["base"]
    most = max(len(run["shares"]) for row in plan["rows"] for run in row["runs"])
    signed_in: dict[str, list[Session]] = {}
    for role, accounts in plan["accounts"].items():
        signed_in[role] = []
        for index in range(most):
            session = Session(base)
            session.sign_in(*accounts[index % len(accounts)])
            signed_in[role].append(session)
    results = []
    for row in plan["rows"]:
        for spec in row["runs"]:
            threads = len(spec["shares"])
            if row["as"]:
                sessions = signed_in[row["as"]][:threads]
            else:
                sessions = [Session(base) for _ in range(threads)]
            latencies, wall, errors = run(sessions, spec["shares"], set(row["expect"]))
            results.append(
                {
                    "name": row["name"],
                    "threads": threads,
                    "latencies": latencies,
                    "wall": wall,
                    "errors": errors[:3],
                    "error_count": len(errors),
                }
            )
            print(
                f"  {row['name']} ×{threads}: {len(latencies)} requests in "
                f"{wall:.1f} s" + (f", {len(errors)} errors" if errors else ""),
                file=sys.stderr,
                flush=True,
            )
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
