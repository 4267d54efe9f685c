"""Sign-out, how long a sign-in lasts, and idle pages' kernels culled, on the real stack."""

from __future__ import annotations

import time

import psutil
import pytest
import requests

from portfolio_lib.deploy.client import SERVICE_PREFIX, Person

pytestmark = [pytest.mark.slow, pytest.mark.deploy]


def kernel_running(kernel_id: str) -> bool:
    return any(kernel_id in " ".join(p.info["cmdline"] or []) for p in psutil.process_iter(["cmdline"]))


def test_a_sign_in_lasts_the_configured_hours(deployment, people):
    person = deployment.person()
    response = person.sign_in(people.student, deployment.passwords[people.student])
    cookies = {c.name: c for c in person.session.cookies}
    assert "jupyterhub-hub-login" in cookies
    lasts = cookies["jupyterhub-hub-login"].expires - time.time()
    assert 2 * 3600 - 120 < lasts <= 2 * 3600 + 5                 # sessions.hours = 2 in the test deployment
    assert cookies["jupyterhub-hub-login"].has_nonstandard_attr("HttpOnly")
    assert response.status_code == 302


def test_sign_out_ends_the_session_and_an_idle_pages_kernel_is_culled(deployment, people):
    person = deployment.signed_in(people.student)
    page = person.open("cabinet.ipynb")
    kernel_id = page.kernel_id
    page.ws.close()                                     # the tab is left without closing the page: no shutdown
    assert kernel_running(kernel_id)
    kept = requests.cookies.RequestsCookieJar()
    kept.update(person.session.cookies)
    signed_out = person.get(f"{SERVICE_PREFIX}logout")
    assert "/hub/login" in signed_out.url
    again = person.get(f"{SERVICE_PREFIX}voila/render/cabinet.ipynb")
    assert "/hub/login" in again.url and "kernelId" not in again.text
    stolen = Person(deployment.base)                    # someone who copied the cookies before the sign-out
    stolen.session.cookies.update(kept)
    deadline = time.monotonic() + 120
    while kernel_running(kernel_id) and time.monotonic() < deadline:
        time.sleep(2)
    assert not kernel_running(kernel_id), "an idle page's kernel should be culled (kernel_idle_minutes = 0.5)"
    reused = stolen.get(f"{SERVICE_PREFIX}voila/render/cabinet.ipynb")
    assert "/hub/login" in reused.url and "kernelId" not in reused.text
    events = [e for (e,) in deployment.sql("SELECT event FROM access_log WHERE login = ? ORDER BY id", people.student)]
    assert events[-3:] == ["sign_in", "open", "sign_out"]
