"""Nobody reaches what is not theirs, tried through the real pages with crafted widget messages.

For each signed-in role and each page, the test sends what a person could craft on the page's kernel
websocket: every choice widget set to every choice, to indices out of range and to another person's
values; every text field set to another student's number or another class; every button clicked,
hidden ones included. Then it counts leaks: another student's name anywhere the browser could show it,
or a row of another student's data changed."""

from __future__ import annotations

import hashlib
import json

import pytest

from portfolio_lib.demo.samples import make_pdf

pytestmark = [pytest.mark.slow, pytest.mark.deploy]

PAGES = ["index.ipynb", "cabinet.ipynb", "homeroom.ipynb", "teacher.ipynb", "counselor.ipynb", "consultant.ipynb",
         "submission.ipynb", "research.ipynb", "access.ipynb", "district.ipynb"]
ROLES = ["student", "parent", "homeroom", "teacher", "researcher", "district"]
# Tables of a student's own data, and how to find whose each row is.
OWNED = {"outcomes": "student_id", "performances": "student_id", "selections": "student_id",
         "application_picks": "student_id", "notifications": "student_id", "learning_plans": "student_id",
         "school_documents": "student_id", "consultation_records": "student_id", "programme_targets": "student_id"}


def digests(d) -> dict[int, str]:
    """A hash of every row of each student's own data, by student."""
    rows: dict[int, list] = {}
    for table, column in OWNED.items():
        for row in d.sql(f"SELECT {column}, * FROM {table}"):
            rows.setdefault(row[0], []).append((table, *map(str, row[1:])))
    for row in d.sql("SELECT o.student_id, c.* FROM certifications c JOIN outcomes o ON o.id = c.outcome_id"):
        rows.setdefault(row[0], []).append(("certifications", *map(str, row[1:])))
    return {sid: hashlib.sha256(json.dumps(sorted(r)).encode()).hexdigest() for sid, r in rows.items()}


def scope(d, login: str, page: str) -> set[int]:
    """The students whose data this sign-on name may see (and, where allowed, change) on this page: none, for the
    city's education office on any page."""
    if page == "cabinet.ipynb":
        return {r[0] for r in d.sql("SELECT id FROM students WHERE login = ? UNION "
                                    "SELECT student_id FROM guardians WHERE login = ?", login, login)}
    roles = {r[0] for r in d.sql("SELECT role FROM staff_roles JOIN staff ON staff.id = staff_id "
                                 "WHERE login = ?", login)}
    if page == "homeroom.ipynb" and "homeroom" in roles:
        return {r[0] for r in d.sql("SELECT e.student_id FROM enrolments e JOIN classes c ON c.id = e.class_id "
                                    "JOIN staff st ON st.id = c.homeroom_teacher_id WHERE st.login = ?", login)}
    if page == "teacher.ipynb" and "teacher" in roles:
        return {r[0] for r in d.sql(
            "SELECT DISTINCT r.student_id FROM course_records r JOIN course_sections s ON s.id = r.section_id "
            "JOIN staff st ON st.id IN (s.teacher_id, s.proxy_teacher_id) WHERE st.login = ?", login)}
    return set()


def craft(page, foreign_numbers: list[str], foreign_classes: list[str]) -> int:
    """Send every message a person could craft at the page's widgets; returns how many were sent."""
    sent = 0
    states = dict(page.states)
    foreign_numbers = foreign_numbers or ["999999"]           # a number that is nobody's, when all are in scope
    for model_id, state in states.items():
        name = state.get("_model_name", "")
        if "_options_labels" in state:
            n = len(state["_options_labels"])
            multiple = name == "SelectMultipleModel"
            for index in [n, n + 1, 10 ** 6, -1, *range(min(n, 4))]:
                page.update(model_id, settle=0, index=[index] if multiple else index)
                sent += 1
            for crafted in ({"value": foreign_numbers[0]}, {"_options_labels": foreign_numbers[:3]},
                            {"label": foreign_numbers[0]}):
                page.update(model_id, settle=0, **crafted)
                sent += 1
        elif name in ("TextModel", "TextareaModel", "ComboboxModel"):
            for value in (*foreign_numbers[:2], *foreign_classes[:2], "' OR 1=1 --", "../../data/demo.sqlite"):
                page.update(model_id, settle=0, value=value)
                sent += 1
        elif name == "CheckboxModel":
            for value in (True, False):
                page.update(model_id, settle=0, value=value)
                sent += 1
    for model_id, state in states.items():
        if state.get("_model_name") == "ButtonModel":
            page.click(model_id, settle=0)
            sent += 1
    page.settle(1)
    return sent


def test_no_role_reaches_another_persons_data_through_any_page(deployment, people, capsys):
    d = deployment
    names = d.sql("SELECT id, name, student_no FROM students WHERE name IN "
                  "(SELECT name FROM students GROUP BY name HAVING count(*) = 1)")
    classes = [r[0] for r in d.sql("SELECT name FROM classes WHERE academic_year = 115 AND id != ?",
                                   people.homeroom_class)]
    rows, total_attempts, total_leaks = [], 0, 0
    for role in ROLES:
        person = d.signed_in(getattr(people, role))
        for notebook in PAGES:
            allowed = scope(d, getattr(people, role), notebook)
            foreign = {sid: (name, no) for sid, name, no in names if sid not in allowed}
            numbers = [no for name, no in foreign.values()]
            before = digests(d)
            page = person.open(notebook)
            attempts = 1 + craft(page, numbers, classes)
            page.refresh(seconds=240)
            shown = page.text()
            leaked = sorted(name for name, _ in foreign.values() if name in shown)
            assert "示範模式" not in shown and "檢視身分" not in shown, (role, notebook)   # no demo picker
            after = digests(d)
            changed = sorted(sid for sid in set(before) | set(after)
                             if before.get(sid) != after.get(sid) and sid not in allowed)
            page.close()
            leaks = len(leaked) + len(changed)
            rows.append((role, notebook, attempts, leaks, leaked[:3], changed[:3]))
            total_attempts += attempts
            total_leaks += leaks
    with capsys.disabled():
        print("\nrole matrix: role, page, crafted attempts, leaks")
        for role, notebook, attempts, leaks, leaked, changed in rows:
            print(f"  {role:<10} {notebook:<18} {attempts:>5} {leaks:>3} {leaked or ''} {changed or ''}")
        print(f"  total: {total_attempts} attempts, {total_leaks} leaks")
    assert total_leaks == 0, [r for r in rows if r[3]]
    assert total_attempts > 500


def test_a_parent_cannot_upload_send_or_mark_read_through_the_hidden_controls_of_the_page(deployment, people):
    d = deployment
    before = digests(d).get(people.student_id)
    page = d.signed_in(people.parent).open("cabinet.ipynb")
    zones = [k for k, s in page.states.items() if s.get("_model_name") == "AnyModel" and s.get("label") == "文件檔案"]
    assert zones, "the cabinet's document drop zone"
    document = make_pdf(["家長代傳的報告"])
    page.custom(zones[0], {"names": ["報告.pdf"]}, [document])
    assert any(s.get("filename") == "報告.pdf" for s in page.states.values())     # the file reached the kernel
    refusals = []
    for description in ("儲存", "送出認證", "全部標示為已讀", "新增", "勾選"):
        for button in page.widgets("ButtonModel", description=description):
            page.click(button, settle=2)
            refusals += [s["value"] for s in page.states.values()
                         if s.get("_model_name") == "HTMLModel" and "家長只能檢視" in str(s.get("value"))]
    assert refusals and all("家長只能檢視" in r for r in refusals)
    assert digests(d).get(people.student_id) == before
    page.close()


def test_a_query_string_does_not_choose_whose_cabinet_opens(deployment, people):
    d = deployment
    other_no, other_name, other_login = d.sql(
        "SELECT student_no, name, login FROM students WHERE id != ? AND name IN (SELECT name FROM students "
        "GROUP BY name HAVING count(*) = 1) LIMIT 1", people.student_id)[0]
    page = d.signed_in(people.student).open(
        f"cabinet.ipynb?student={other_no}&login={other_login}&viewer={other_login}")
    shown = page.text()
    assert people.student_name in shown and other_name not in shown
    page.close()
