"""A signed-in client of the deployment that speaks what a browser's page speaks: the hub's login form,
the page's HTTP request, and the Jupyter kernel protocol on the page's kernel websocket.

It lets a test (or an operator's smoke check, or the capacity benchmark) sign in as a person, open a
page, read every widget's state, and send the messages a page would send, or any other message a
person could craft: set a widget's value, click a button, or ask the kernel to run code.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.cookies import SimpleCookie
from urllib.parse import urljoin, urlparse

import requests
import websocket
from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1

SERVICE_PREFIX = "/services/portfolio/"
V1 = "v1.kernel.websocket.jupyter.org"
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')


class SignInRefused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(f"{status}: {message}")
        self.status, self.message = status, message


def _login_error(html: str) -> str:
    found = re.search(r'class="login_error"[^>]*>\s*(.*?)\s*</p>', html, re.S)
    return found.group(1).strip() if found else ""


@dataclass
class Person:
    """One browser's worth of cookies, signed in (or not) at the deployment's public address."""

    base: str
    session: requests.Session = field(default_factory=requests.Session)
    landed: str = ""

    def sign_in(self, login: str, password: str, timeout: float = 60) -> requests.Response:
        """Submit the hub's login form; refusals raise SignInRefused with the page's message."""
        form = self.session.get(self.base + "/hub/login", timeout=timeout)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text).group(1)
        response = self.session.post(self.base + "/hub/login?next=", timeout=timeout, allow_redirects=False,
                                     data={"_xsrf": xsrf, "username": login, "password": password})
        if response.status_code != 302:
            raise SignInRefused(response.status_code, _login_error(response.content.decode("utf-8", "replace")))
        # Follow the hub's redirects (sign-in, then the service's OAuth) up to the page it lands on,
        # without opening that page: `open` does, the way a browser would.
        while response.status_code in (301, 302, 303) and "/voila/render/" not in response.headers["Location"]:
            response = self.session.get(urljoin(response.url, response.headers["Location"]), timeout=timeout,
                                        allow_redirects=False)
        self.landed = urljoin(response.url, response.headers.get("Location", response.url))
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(urljoin(self.base, path), timeout=kwargs.pop("timeout", 120), **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        """POST with the XSRF token the service set for its own path (a page's scripts send it so)."""
        tokens = [c.value for c in self.session.cookies if c.name == "_xsrf" and c.path.startswith(SERVICE_PREFIX)]
        headers = {"X-XSRFToken": tokens[0] if tokens else "", **kwargs.pop("headers", {})}
        return self.session.post(urljoin(self.base, path), headers=headers, timeout=kwargs.pop("timeout", 60),
                                 **kwargs)

    def open(self, notebook: str, timeout: float = 180) -> "Page":
        """Open a page of the dashboards service and connect to its kernel, as the page's script does."""
        started = time.monotonic()
        response = self.get(f"{SERVICE_PREFIX}voila/render/{notebook}", timeout=timeout)
        found = KERNEL_ID.search(response.text)
        if response.status_code != 200 or not found:
            raise PageRefused(response.status_code, response.text[-400:])
        page = Page(self, found.group(1), response.text)
        page.rendered_after = time.monotonic() - started
        page.connect(self.base.replace("http", "ws", 1) + f"{SERVICE_PREFIX}api/kernels/{page.kernel_id}/channels")
        return page

    def lab_kernel(self, name: str, timeout: float = 180) -> "Page":
        """Start the person's own JupyterLab through the hub (as its page does) and a kernel in it."""
        hub_xsrf = [c.value for c in self.session.cookies if c.name == "_xsrf" and c.path == "/hub/"]
        started = self.session.post(self.base + f"/hub/api/users/{name}/server", timeout=60,
                                    headers={"X-XSRFToken": hub_xsrf[0] if hub_xsrf else ""})
        if started.status_code not in (201, 202, 400):
            raise PageRefused(started.status_code, started.text[-400:])
        deadline = time.monotonic() + timeout
        while not self.session.get(self.base + f"/hub/api/users/{name}", timeout=30).json().get(
                "servers", {}).get("", {}).get("ready"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the JupyterLab of {name} did not become ready")
            time.sleep(1)
        lab = self.get(f"/user/{name}/lab")
        if lab.status_code != 200:
            raise PageRefused(lab.status_code, lab.text[-400:])
        xsrf = [c.value for c in self.session.cookies if c.name == "_xsrf" and c.path.startswith(f"/user/{name}")]
        kernel = self.session.post(self.base + f"/user/{name}/api/kernels", json={"name": "python3"}, timeout=60,
                                   headers={"X-XSRFToken": xsrf[0] if xsrf else ""})
        if kernel.status_code != 201:
            raise PageRefused(kernel.status_code, kernel.text[-400:])
        page = Page(self, kernel.json()["id"], lab.text)
        page.connect(self.base.replace("http", "ws", 1) + f"/user/{name}/api/kernels/{page.kernel_id}/channels",
                     widgets=False)
        return page

    def cookie_header(self, url: str) -> str:
        jar = SimpleCookie()
        host = urlparse(url).hostname
        for cookie in self.session.cookies:
            if cookie.domain.lstrip(".") in (host, "", "localhost.local") or host.endswith(cookie.domain):
                jar[cookie.name] = cookie.value
        return "; ".join(f"{k}={v.value}" for k, v in jar.items())


class PageRefused(Exception):
    def __init__(self, status: int, tail: str):
        super().__init__(f"page refused with HTTP {status}")
        self.status, self.tail = status, tail


@dataclass
class Page:
    """An open page: its kernel's websocket, and every widget's state as the kernel last told it."""

    person: Person
    kernel_id: str
    html: str
    states: dict = field(default_factory=dict)
    rendered_after: float = 0.0
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def connect(self, url: str, timeout: float = 60, widgets: bool = True):
        self.ws = websocket.create_connection(
            url, timeout=timeout, origin=self.person.base, subprotocols=[V1],
            header=[f"Cookie: {self.person.cookie_header(url)}"])
        if not widgets:
            return
        self.control = uuid.uuid4().hex
        self.send("comm_open", {"comm_id": self.control, "target_name": "jupyter.widget.control", "data": {}},
                  metadata={"version": "1.0.0"})
        self.refresh()

    def send(self, msg_type: str, content: dict, channel: str = "shell", metadata: dict | None = None,
             buffers: list[bytes] | None = None) -> str:
        """One message in the v1 websocket protocol, as the pages' script sends it."""
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": msg_type, "username": "page", "session": self.session_id,
                  "date": datetime.now(timezone.utc).isoformat(), "version": "5.3"}
        parts = [json.dumps(part).encode() for part in (header, {}, metadata or {}, content)] + list(buffers or [])
        self.ws.send(serialize_msg_to_ws_v1(parts, channel), opcode=websocket.ABNF.OPCODE_BINARY)
        return msg_id

    def send_raw(self, frame: bytes):
        """A frame as given, well formed or not (what a crafted client could send)."""
        self.ws.send(frame, opcode=websocket.ABNF.OPCODE_BINARY)

    def receive(self, seconds: float) -> list[dict]:
        """Every message the kernel sends within `seconds`."""
        messages, deadline = [], time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.ws.settimeout(left)
            try:
                frame = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                break
            messages.append(_parse(frame))
        return messages

    def wait_for(self, predicate, seconds: float = 60) -> dict:
        """The first message (kept in the states) for which `predicate` holds, as soon as it arrives."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.ws.settimeout(left)
            try:
                message = _parse(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                break
            self._absorb(message)
            if predicate(message):
                return message
        raise TimeoutError("the kernel did not answer in time")

    def refresh(self, seconds: float = 60) -> dict:
        """Ask the kernel for every widget's state (what a page does when it loads)."""
        self.send("comm_msg", {"comm_id": self.control, "data": {"method": "request_states"}})
        reply = self.wait_for(lambda m: m.get("msg_type") == "comm_msg"
                              and m["content"].get("data", {}).get("method") == "update_states", seconds)
        self.states = {k: v["state"] | {"_model_name": v["model_name"]}
                       for k, v in reply["content"]["data"]["states"].items()}
        return self.states

    def _absorb(self, message: dict):
        """Keep the widgets' states current from the kernel's updates."""
        content = message.get("content", {})
        if message.get("msg_type") == "comm_msg" and content.get("data", {}).get("method") == "update":
            self.states.setdefault(content["comm_id"], {}).update(content["data"].get("state", {}))
        if message.get("msg_type") == "comm_open" and content.get("target_name") == "jupyter.widget":
            state = content.get("data", {}).get("state", {})
            self.states[content["comm_id"]] = state | {"_model_name": state.get("_model_name", "")}

    def widgets(self, model_name: str, **match) -> list[str]:
        """Model ids of the widgets of a kind whose state has these values (a description, say)."""
        return [k for k, s in self.states.items() if s.get("_model_name") == model_name
                and all(s.get(name) == value for name, value in match.items())]

    def update(self, model_id: str, settle: float = 2.0, **state) -> list[dict]:
        """Set widget traits as a page would (a crafted value is sent the same way)."""
        self.send("comm_msg", {"comm_id": model_id, "data": {"method": "update", "state": state,
                                                              "buffer_paths": []}})
        return self.settle(settle)

    def click(self, model_id: str, settle: float = 3.0) -> list[dict]:
        self.send("comm_msg", {"comm_id": model_id, "data": {"method": "custom", "content": {"event": "click"}}})
        return self.settle(settle)

    def custom(self, model_id: str, content: dict, buffers: list[bytes], settle: float = 3.0) -> list[dict]:
        self.send("comm_msg", {"comm_id": model_id, "data": {"method": "custom", "content": content}},
                  buffers=buffers)
        return self.settle(settle)

    def settle(self, seconds: float) -> list[dict]:
        """Read what the kernel sent within `seconds` (nothing waits when 0) and keep the states current."""
        if seconds <= 0:
            return []
        messages = self.receive(seconds)
        for message in messages:
            self._absorb(message)
        return messages

    def execute(self, code: str, seconds: float = 5.0) -> list[dict]:
        """Ask the page's kernel to run code, as an attacker would; returns whatever came back."""
        self.send("execute_request", {"code": code, "silent": False, "store_history": False,
                                      "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        return self.receive(seconds)

    def run(self, code: str, seconds: float = 120) -> str:
        """Run code in a kernel that may run code (a researcher's own); returns what it printed.

        Done when the kernel has replied and gone idle: the reply comes on the shell channel and the
        printed output on iopub, whose order between them is not kept, but iopub's own idle comes after
        every output of the request."""
        msg_id = self.send("execute_request", {"code": code, "silent": False, "store_history": False,
                                               "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        printed, replied, idle, deadline = "", False, False, time.monotonic() + seconds
        while time.monotonic() < deadline:
            for message in self.receive(1):
                if message["parent_header"].get("msg_id") != msg_id:
                    continue
                if message["msg_type"] == "stream":
                    printed += message["content"]["text"]
                elif message["msg_type"] == "error":
                    raise RuntimeError("\n".join(message["content"]["traceback"]))
                elif message["msg_type"] == "execute_reply":
                    replied = True
                elif message["msg_type"] == "status" and message["content"].get("execution_state") == "idle":
                    idle = True
            if replied and idle:
                return printed
        raise TimeoutError(f"the kernel did not finish in time; it printed: {printed[-2000:]!r}")

    def text(self) -> str:
        """Every string in every widget's state, and the page itself: what the person's browser could show."""
        strings = [str(v) for state in self.states.values() for v in state.values() if isinstance(v, str)]
        for state in self.states.values():
            strings += [str(label) for label in state.get("_options_labels", ())]
        return "\n".join([self.html, *strings])

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass
        self.person.post(f"{SERVICE_PREFIX}voila/api/shutdown/{self.kernel_id}")


def _parse(frame) -> dict:
    """A kernel message from a v1 frame: channel, header, parent, metadata, content and buffers."""
    channel, parts = deserialize_msg_from_ws_v1(frame)
    header, parent, metadata, content = (json.loads(p) for p in parts[:4])
    return {"channel": channel, "header": header, "parent_header": parent, "metadata": metadata,
            "content": content, "msg_type": header.get("msg_type"), "buffers": parts[4:]}
