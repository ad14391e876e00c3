"""A browser-like HTTP client for the benchmarks: keeps cookies, sends Django's CSRF token on
POST, does not follow redirects (a 302 is an answer to look at, as in Django's test client)."""

import http.cookiejar
import time
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class SecureOverPlainHttp(http.cookiejar.DefaultCookiePolicy):
    """The benchmarks speak plain HTTP to a shop on this machine that runs its production
    settings (cookies marked Secure, as behind a TLS proxy): send them back all the same."""

    def return_ok_secure(self, cookie, request):
        return True


class Visitor:
    def __init__(self, base: str, token=None):
        self.base = base
        self.cookies = http.cookiejar.CookieJar(policy=SecureOverPlainHttp())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )
        self.token = token

    def csrf(self):
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def fetch(self, path, data=None, json_body=None):
        """(status, Location, body, milliseconds) of one request."""
        headers = {"Referer": self.base + "/"}
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_body is not None:
            body = json_body.encode()
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        started = time.perf_counter()
        try:
            request = urllib.request.Request(self.base + path, body, headers)
            with self.opener.open(request) as response:
                status, location, text = response.status, "", response.read().decode()
        except urllib.error.HTTPError as redirect_or_error:
            status = redirect_or_error.code
            location = redirect_or_error.headers.get("Location", "")
            text = redirect_or_error.read().decode()
        return status, location, text, (time.perf_counter() - started) * 1000
