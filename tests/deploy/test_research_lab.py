"""A researcher runs code in their own JupyterLab; the operating system keeps the school's data from it."""

from __future__ import annotations

import json

import pytest

from portfolio_lib.deploy.client import PageRefused

pytestmark = [pytest.mark.slow, pytest.mark.deploy]

PROBE = """
import json, os, pathlib, sqlite3
db, files = {db!r}, {files!r}
found = {{"user": __import__("pwd").getpwuid(os.getuid()).pw_name,
         "env": sorted(k for k in os.environ if k.startswith("PORTFOLIO_"))}}
for name, attempt in (("read the database", lambda: open(db, "rb").read(16)),
                      ("open it with sqlite", lambda: sqlite3.connect(f"file:{{db}}?mode=ro", uri=True)
                                                         .execute("select count(*) from students").fetchone()),
                      ("list the file store", lambda: os.listdir(files)),
                      ("list the packages", lambda: os.listdir({packages!r})),
                      ("read the hub's secrets", lambda: open({secret!r}).read()),
                      ("read the demo passwords", lambda: open({passwords!r}).read())):
    try:
        attempt()
        found[name] = "allowed"
    except PermissionError:
        found[name] = "PermissionError"
    except Exception as err:
        found[name] = type(err).__name__
export = pathlib.Path(os.environ["PORTFOLIO_RESEARCH_EXPORT"])
found["export"] = sorted(p.name for p in export.iterdir())
found["notebooks"] = sorted(p.name for p in (pathlib.Path.home() / "notebooks").glob("*.ipynb"))
found["export text"] = "".join(p.read_text(encoding="utf-8-sig") for p in export.glob("*.csv"))
print("RESULT" + json.dumps(found, ensure_ascii=False))
"""


def test_a_researchers_lab_runs_code_but_cannot_reach_the_school_database_files_or_packages(deployment, people):
    d = deployment
    person = d.signed_in(people.researcher)
    assert person.landed.endswith("/voila/render/index.ipynb")
    landing = person.open("index.ipynb")
    assert "研究用 JupyterLab" in landing.text()
    landing.close()
    kernel = person.lab_kernel(people.researcher)
    code = PROBE.format(db=str(d.db), files=str(d.db.with_name("demo.files")),
                        packages=str(d.db.with_name("demo.packages")), secret=str(d.state / "jupyterhub_cookie_secret"),
                        passwords=str(d.state / "demo-passwords.csv"))
    output = kernel.run(code)
    assert "RESULT" in output, output
    found = json.loads(output.split("RESULT", 1)[1])
    assert found["user"].startswith("pfci-r-")
    assert found["env"] == ["PORTFOLIO_RESEARCH_EXPORT"]                  # no way to the database named
    for attempt in ("read the database", "open it with sqlite", "list the file store", "list the packages",
                    "read the hub's secrets", "read the demo passwords"):
        assert found[attempt] in ("PermissionError", "OperationalError"), (attempt, found[attempt])
    assert "students.parquet" in found["export"] and "data_dictionary.csv" in found["export"]
    assert "01_categories.ipynb" in found["notebooks"]
    names = [r[0] for r in d.sql("SELECT name FROM students")]
    numbers = [r[0] for r in d.sql("SELECT id_number FROM students")]
    assert not [n for n in names if n in found["export text"]] and not [n for n in numbers if n in found["export text"]]
    kernel.ws.close()


def test_only_researchers_get_a_lab_and_nobody_opens_another_persons_lab(deployment, people):
    d = deployment
    teacher = d.signed_in(people.teacher)
    xsrf = [c.value for c in teacher.session.cookies if c.name == "_xsrf" and c.path == "/hub/"][0]
    for name in (people.teacher, people.researcher):
        response = teacher.session.post(d.base + f"/hub/api/users/{name}/server", timeout=60,
                                        headers={"X-XSRFToken": xsrf})
        assert response.status_code == 403, (name, response.status_code)
    other = teacher.get(f"/user/{people.researcher}/lab", allow_redirects=True)
    assert other.status_code == 403 and "/hub/api/oauth2/authorize" in other.url   # the hub refuses the sign-in
    assert "jupyter-config-data" not in other.text
    with pytest.raises(PageRefused):
        teacher.open("../../user/" + people.researcher + "/lab")
