"""Signing in through the real hub, directory and dashboards: who gets in, where they land, what is logged."""

from __future__ import annotations

import re
import stat

import pytest
from playwright.sync_api import Page, expect

from portfolio_lib.deploy.client import SignInRefused

pytestmark = [pytest.mark.slow, pytest.mark.deploy]
LOAD = 180_000


def refused(deployment, login, password) -> SignInRefused:
    with pytest.raises(SignInRefused) as info:
        deployment.person().sign_in(login, password)
    return info.value


def test_wrong_password_unknown_user_and_blank_password_are_refused_and_logged(deployment, people):
    before = deployment.sql("SELECT max(id) FROM access_log")[0][0] or 0
    wrong = refused(deployment, people.student, deployment.passwords[people.student] + "x")
    assert wrong.status == 403 and wrong.message.startswith("帳號或密碼錯誤")
    unknown = refused(deployment, "nobody.here", "whatever-password")
    assert unknown.message.startswith("帳號或密碼錯誤")          # the same words: no hint which names exist
    blank = refused(deployment, people.teacher, "   ")
    assert blank.message == "請輸入密碼。"
    shaped = refused(deployment, "x'); DROP", "p")
    assert "只能有英文字母" in shaped.message
    logged = deployment.sql("SELECT login, event, target FROM access_log WHERE id > ? ORDER BY id", before)
    assert logged == [(people.student, "sign_in_refused", "bad_password"),
                      ("nobody.here", "sign_in_refused", "bad_password"),
                      (people.teacher, "sign_in_refused", "blank_password"),
                      ("x'); drop", "sign_in_refused", "bad_username")]


def test_a_directory_account_with_no_school_record_is_refused_with_a_clear_message(deployment, people):
    staff_no, login = deployment.sql("SELECT staff_no, login FROM staff WHERE login = ?", people.counselor)[0]
    other = deployment.sql("SELECT login FROM staff WHERE login NOT IN (?, ?, ?, ?, ?, ?) ORDER BY id DESC LIMIT 1",
                           people.counselor, people.homeroom, people.teacher, people.researcher, people.admin,
                           people.counselor)[0][0]
    deployment.sql("UPDATE staff SET login = NULL WHERE login = ?", other)        # the school removed the account
    try:
        error = refused(deployment, other, deployment.passwords[other])
        assert error.status == 403
        assert error.message == f"帳號「{other}」已通過目錄驗證，但本校的學習歷程資料中沒有這個帳號，請洽校管理者。"
        assert deployment.sql("SELECT event, target FROM access_log WHERE login = ? ORDER BY id DESC LIMIT 1",
                              other) == [("sign_in_refused", "no_school_record")]
    finally:
        deployment.sql("UPDATE staff SET login = ? WHERE login IS NULL AND id = (SELECT max(id) FROM staff "
                       "WHERE login IS NULL)", other)


def test_students_and_parents_land_on_the_cabinet_and_staff_on_their_dashboards(deployment, people):
    for login, page in ((people.student, "cabinet"), (people.parent, "cabinet"), (people.teacher, "index"),
                        (people.counselor, "index")):
        person = deployment.signed_in(login)
        assert person.landed.endswith(f"/services/portfolio/voila/render/{page}.ipynb"), (login, person.landed)
    assert deployment.sql("SELECT count(*) FROM access_log WHERE login = ? AND event = 'sign_in'",
                          people.parent)[0][0] >= 1


def test_the_demo_passwords_are_random_kept_for_root_only_and_never_from_an_id_number(deployment):
    path = deployment.state / "demo-passwords.csv"
    mode = path.stat().st_mode
    assert stat.S_IMODE(mode) == 0o600 and path.stat().st_uid == 0
    assert stat.S_IMODE(deployment.state.stat().st_mode) == 0o700
    for name in ("jupyterhub_cookie_secret", "jupyterhub_crypt_key"):
        assert stat.S_IMODE((deployment.state / name).stat().st_mode) == 0o600
    ids = dict(deployment.sql("SELECT login, id_number FROM students WHERE login IS NOT NULL"))
    assert len(ids) > 100
    for login, id_number in ids.items():
        password = deployment.passwords[login]
        assert len(password) >= 12 and id_number[-6:] not in password and id_number[-4:] not in password
    assert len(set(deployment.passwords.values())) == len(deployment.passwords)
    directory = (deployment.state / "ldap" / "slapd.conf").read_text()
    assert "userPassword by anonymous auth by * none" in directory


# --- the real login form in Chromium -------------------------------------------------------------

def sign_in(page: Page, deployment, login: str, password: str):
    page.goto(deployment.base + "/hub/login", timeout=LOAD)
    expect(page.get_by_text("學習歷程工作台　登入")).to_be_visible()
    page.get_by_label("帳號").fill(login)
    page.get_by_label("密碼").fill(password)
    page.get_by_role("button", name="登入").click()


@pytest.mark.browser
def test_the_login_form_in_a_browser_refuses_a_wrong_password_in_chinese(page: Page, deployment, people, artifacts):
    sign_in(page, deployment, people.student, "not-the-password")
    expect(page.locator(".login_error")).to_have_text("帳號或密碼錯誤，請再試一次。忘記密碼請洽校管理者。")
    page.screenshot(path=artifacts / "deploy-login-refused.png")


@pytest.mark.browser
def test_a_student_signs_in_sees_their_own_cabinet_and_signs_out(page: Page, deployment, people, artifacts):
    sign_in(page, deployment, people.student, deployment.passwords[people.student])
    page.wait_for_url(re.compile(r".*/voila/render/cabinet\.ipynb"), timeout=LOAD)
    expect(page.get_by_text(people.student_name).first).to_be_visible(timeout=LOAD)
    expect(page.locator(".pf-demo-banner")).to_have_count(0)
    expect(page.get_by_label("檢視學生")).to_have_count(0)
    page.screenshot(path=artifacts / "deploy-cabinet.png", full_page=True)
    page.locator("a.pf-sign-out").first.click()
    page.wait_for_url(re.compile(r".*/hub/login.*"), timeout=LOAD)
    page.goto(deployment.base + "/services/portfolio/voila/render/cabinet.ipynb", timeout=LOAD)
    page.wait_for_url(re.compile(r".*/hub/login.*"), timeout=LOAD)
    expect(page.get_by_text("學習歷程工作台　登入")).to_be_visible()


@pytest.mark.browser
def test_a_teacher_lands_on_the_dashboards_of_their_roles(page: Page, deployment, people, artifacts):
    sign_in(page, deployment, people.teacher, deployment.passwords[people.teacher])
    page.wait_for_url(re.compile(r".*/voila/render/index\.ipynb"), timeout=LOAD)
    expect(page.locator("a.pf-dashboard-link")).to_have_count(1, timeout=LOAD)
    expect(page.locator("a.pf-dashboard-link")).to_have_text("授課教師認證")
    page.screenshot(path=artifacts / "deploy-landing-teacher.png", full_page=True)
    page.locator("a.pf-dashboard-link").click()
    expect(page.get_by_text("待認證").first).to_be_visible(timeout=LOAD)
    page.goto(deployment.base + "/services/portfolio/voila/render/counselor.ipynb", timeout=LOAD)
    expect(page.get_by_text("沒有開啟「輔導室總覽」的權限")).to_be_visible(timeout=LOAD)


@pytest.mark.browser
def test_a_district_officer_lands_on_the_city_and_opens_no_schools_page(page: Page, deployment, people, artifacts):
    sign_in(page, deployment, people.district, deployment.passwords[people.district])
    page.wait_for_url(re.compile(r".*/voila/render/index\.ipynb"), timeout=LOAD)
    expect(page.locator("a.pf-dashboard-link")).to_have_text("教育局各校總覽", timeout=LOAD)
    expect(page.get_by_text("全市各校").first).to_be_visible()
    page.locator("a.pf-dashboard-link").click()
    expect(page.get_by_text("各校上傳、認證、勾選與提交狀況").first).to_be_visible(timeout=LOAD)
    expect(page.locator(".pf-demo-banner")).to_have_count(0)
    page.screenshot(path=artifacts / "deploy-district.png", full_page=True)
    for notebook in ("counselor.ipynb", "homeroom.ipynb"):
        page.goto(deployment.base + f"/services/portfolio/voila/render/{notebook}", timeout=LOAD)
        expect(page.get_by_text("沒有對應的教職員資料")).to_be_visible(timeout=LOAD)
    page.goto(deployment.base + "/services/portfolio/voila/render/cabinet.ipynb", timeout=LOAD)
    expect(page.get_by_text("沒有對應的學生或家長資料")).to_be_visible(timeout=LOAD)
