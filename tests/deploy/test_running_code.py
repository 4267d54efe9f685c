"""A signed-in student or teacher tries to run code of their choosing through the real stack: every way is
refused, and the code did not run (the file it would have written does not exist)."""

from __future__ import annotations

import psutil
import pytest
import websocket

from portfolio_lib.deploy.client import SERVICE_PREFIX, V1, PageRefused

from .conftest import ATTACK_MARK

pytestmark = [pytest.mark.slow, pytest.mark.deploy]


def writer(mark) -> str:
    return f"open({str(mark)!r}, 'w').write('ran')"


@pytest.mark.parametrize("who", ["student", "teacher"])
def test_an_execute_request_on_the_pages_own_kernel_runs_nothing(deployment, people, who):
    person = deployment.signed_in(getattr(people, who))
    page = person.open("cabinet.ipynb" if who == "student" else "teacher.ipynb")
    mark = deployment.marks / f"execute-{who}"
    replies = page.execute(writer(mark) + "\nprint('ran')", seconds=6)
    assert not mark.exists()
    assert [m for m in replies if m.get("msg_type") in ("execute_reply", "execute_input", "stream", "error")] == []
    assert page.refresh()                      # the page's widgets still answer: only code was refused
    for code in ("import os; os.system('touch x')", "get_ipython().run_cell('1')"):
        for kind in ("execute_request", "inspect_request", "complete_request", "history_request"):
            page.send(kind, {"code": code, "cursor_pos": 1, "hist_access_type": "tail", "n": 1,
                             "silent": False, "store_history": False, "user_expressions": {},
                             "allow_stdin": False, "detail_level": 0, "output": False, "raw": True})
    assert [m["msg_type"] for m in page.receive(4) if m["msg_type"].endswith("_reply")] == []
    page.close()
    assert 'Received message of type "execute_request", which is not allowed. Ignoring.' in deployment.hub_log()


def test_no_endpoint_creates_a_kernel_a_session_a_terminal_or_a_file(deployment, people):
    person = deployment.signed_in(people.student)
    person.open("cabinet.ipynb").close()            # sets the service's cookies as a page visit does
    attempts = {
        ("POST", f"{SERVICE_PREFIX}api/kernels"): {"json": {"name": "python3"}},
        ("POST", f"{SERVICE_PREFIX}api/sessions"): {"json": {"path": "x.ipynb", "type": "notebook",
                                                             "kernel": {"name": "python3"}}},
        ("POST", f"{SERVICE_PREFIX}api/terminals"): {},
        ("PUT", f"{SERVICE_PREFIX}api/contents/evil.ipynb"): {"json": {"type": "notebook", "content": {}}},
        ("POST", f"{SERVICE_PREFIX}api/contents"): {"json": {"type": "file"}},
        ("GET", f"{SERVICE_PREFIX}api/contents"): {},
        ("GET", f"{SERVICE_PREFIX}voila/api/contents"): {},
        ("GET", f"{SERVICE_PREFIX}lab"): {},
        ("GET", f"{SERVICE_PREFIX}tree"): {},
        ("GET", f"{SERVICE_PREFIX}terminals/1"): {},
    }
    for (method, path), kwargs in attempts.items():
        response = person.session.request(method, deployment.base + path, timeout=60, allow_redirects=False,
                                          headers={"X-XSRFToken": _xsrf(person)}, **kwargs)
        assert response.status_code in (403, 404, 405), (method, path, response.status_code)
    kernels = person.get(f"{SERVICE_PREFIX}api/kernels")
    assert kernels.status_code in (403, 404, 405)


def _xsrf(person) -> str:
    tokens = [c.value for c in person.session.cookies if c.name == "_xsrf" and c.path.startswith(SERVICE_PREFIX)]
    return tokens[0] if tokens else ""


def test_a_student_cannot_start_jupyterlab_or_a_server_of_their_own(deployment, people):
    person = deployment.signed_in(people.student)
    name = people.student
    lab = person.get(f"/user/{name}/lab")
    assert lab.status_code == 404 and "jupyter-config-data" not in lab.text, (lab.status_code, lab.url)
    hub_xsrf = [c.value for c in person.session.cookies if c.name == "_xsrf" and c.path == "/hub/"]
    started = person.session.post(deployment.base + f"/hub/api/users/{name}/server", timeout=60,
                                  headers={"X-XSRFToken": hub_xsrf[0] if hub_xsrf else ""})
    assert started.status_code == 403
    spawn = person.session.post(deployment.base + "/hub/spawn", timeout=60, data={"_xsrf": hub_xsrf[0]},
                                allow_redirects=False)
    assert spawn.status_code == 403
    token = person.session.post(deployment.base + f"/hub/api/users/{name}/tokens", timeout=60, json={},
                                headers={"X-XSRFToken": hub_xsrf[0]})
    assert token.status_code == 403
    servers = [p for p in psutil.process_iter(["cmdline"])
               if "jupyterhub-singleuser" in " ".join(p.info["cmdline"] or [])
               and p.environ().get("JUPYTERHUB_USER") == name]
    assert servers == []


def test_a_notebook_that_is_not_a_workbench_page_is_never_run(deployment, people):
    person = deployment.signed_in(people.teacher)
    for path in ("attack.ipynb", "../dashboards/attack.ipynb", "%2e%2e/notebooks/01_categories.ipynb",
                 "..%2Fnotebooks%2F01_categories.ipynb", "/etc/passwd", "../../notebooks/05_trends.ipynb",
                 "cabinet.ipynb/../attack.ipynb"):
        with pytest.raises(PageRefused) as refused:
            person.open(path)
        assert refused.value.status in (403, 404), path
    for path in ("voila/tree", "voila/files/attack.ipynb", "voila/files/../data/demo.sqlite",
                 "voila/templates/../../../../etc/passwd", "voila/static/../../../../etc/passwd"):
        response = person.get(SERVICE_PREFIX + path, allow_redirects=False)
        assert response.status_code in (302, 403, 404), (path, response.status_code)
        assert "root:" not in response.text and "attack" not in response.text
    assert not (deployment.marks / ATTACK_MARK).exists()


def test_a_page_kernel_belongs_to_the_person_it_was_started_for(deployment, people):
    owner = deployment.signed_in(people.student)
    page = owner.open("cabinet.ipynb")
    other = deployment.signed_in(people.teacher)
    other.open("teacher.ipynb").close()               # the other person holds the service's cookies too
    url = deployment.base.replace("http", "ws", 1) + f"{SERVICE_PREFIX}api/kernels/{page.kernel_id}/channels"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url, origin=deployment.base, subprotocols=[V1],
                                    header=[f"Cookie: {other.cookie_header(url)}"])
    assert refused.value.status_code == 403
    assert other.get(f"{SERVICE_PREFIX}api/kernels/{page.kernel_id}").status_code == 403
    assert other.post(f"{SERVICE_PREFIX}voila/api/shutdown/{page.kernel_id}").status_code == 403
    assert page.refresh()                              # still the owner's, still alive
    anonymous = deployment.person()
    with pytest.raises(websocket.WebSocketBadStatusException):
        websocket.create_connection(url, origin=deployment.base, subprotocols=[V1])
    assert anonymous.post(f"{SERVICE_PREFIX}voila/api/shutdown/{page.kernel_id}").status_code in (302, 403)
    page.close()


def test_the_pages_kernels_run_as_the_service_user_without_the_hubs_token(deployment, people):
    page = deployment.signed_in(people.student).open("cabinet.ipynb")
    kernels = [p for p in psutil.process_iter(["cmdline", "username"])
               if "ipykernel_launcher" in " ".join(p.info["cmdline"] or []) and p.info["username"] == "pfci-web"]
    assert kernels
    for kernel in kernels:
        environment = kernel.environ()
        assert "JUPYTERHUB_API_TOKEN" not in environment and "PORTFOLIO_VIEWER" not in environment
        assert environment["PORTFOLIO_SIGN_IN"] == "1"
    page.close()


def test_a_crafted_or_old_protocol_websocket_cannot_stop_the_service_for_everyone(deployment, people):
    person = deployment.signed_in(people.student)
    page = person.open("cabinet.ipynb")
    url = deployment.base.replace("http", "ws", 1) + f"{SERVICE_PREFIX}api/kernels/{page.kernel_id}/channels"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:     # the older JSON protocol
        websocket.create_connection(url, origin=deployment.base, header=[f"Cookie: {person.cookie_header(url)}"])
    assert refused.value.status_code == 400
    for frame in ((2 ** 60).to_bytes(8, "little") + b"\0" * 64, b"\x05" + b"\0" * 7 + b"x" * 40, b"short"):
        crafted = person.open("cabinet.ipynb")
        crafted.send_raw(frame)
        with pytest.raises((websocket.WebSocketConnectionClosedException, ConnectionError, OSError)):
            for _ in range(20):
                crafted.ws.recv()
    service = [p for p in psutil.process_iter(["cmdline", "username"])
               if "portfolio_lib.deploy.web" in " ".join(p.info["cmdline"] or [])]
    assert len(service) == 1 and service[0].memory_info().rss < 1024 ** 3
    assert page.refresh()                               # the first page still works
    assert deployment.signed_in(people.teacher).open("teacher.ipynb").refresh()
    page.close()
