"""The zh-hans catalogue is the one source of the Chinese: it covers every msgid of the code, a word
that means two things carries a context, and form labels are punctuated alike in both languages."""

import ast
import contextlib
import os
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from django import forms
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Path("locale") / "zh_Hans" / "LC_MESSAGES" / "django.po"
# What makemessages reads (docs/architecture.md, "Translations"); the rest of the tree has no strings.
SOURCES = ("apps", "templates", "salesmgmt")

# English words used, without a context, by the models (field names or choices) of several apps and
# checked to mean the same thing, and to read the same in Chinese, in each of them. Anything else
# used by two apps' models gets a pgettext context per sense.
SAME_SENSE_EVERYWHERE = {
    # Workflow states read the same whatever the document (visit plan, daily report, target, appraisal).
    "Draft": "草稿",
    "Submitted": "已提交",
    "Approved": "已批准",
    # The same role, dimension or catch-all in every choice list.
    "Account manager": "客户经理",
    "Product": "产品",
    "Team": "团队",
    "Other": "其他",
    # Plain attributes and amounts that name the same thing on every table.
    "name": "名称",
    "code": "编码",
    "status": "状态",
    "note": "备注",
    "phone": "电话",
    "kind": "类型",
    "subject": "主题",  # of a customer interaction and of a mail; a weekly report's "subject" has a context
    "active": "启用",
    "attainment": "达成率",
    "gross margin": "毛利",
    # When a plan, report or appraisal was sent, and when a market report or appraisal was taken note of.
    "submitted at": "提交时间",
    "acknowledged at": "确认时间",
}

GETTEXT = {"_", "gettext", "gettext_lazy", "gettext_noop"}
PGETTEXT = {"pgettext", "pgettext_lazy"}
RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


@pytest.fixture(autouse=True, scope="module")
def compiled_messages():
    """The .mo file is build output (git-ignored): compile it as `make messages` does."""
    po = ROOT / CATALOGUE
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        tmp = mo.with_name(f"django.{os.getpid()}.mo")  # xdist workers may compile at once: rename atomically
        subprocess.run(["msgfmt", "-o", str(tmp), str(po)], check=True)
        os.replace(tmp, mo)
        translation.trans_real._translations.clear()  # a catalogue read before the compile is stale


def parse_po(path: Path) -> list[dict]:
    """The entries of a .po file (header and obsolete entries left out): msgctxt, msgid, msgstr, flags."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set(), "refs": []}
        key = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#:"):
                entry["refs"] += line[2:].split()
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            else:
                key, _sep, value = line.partition(" ")
                key = key.replace("msgstr[0]", "msgstr")
                entry[key] = ast.literal_eval(value)
        if entry.get("msgid"):
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> Path:
    """The catalogue as `makemessages` leaves it for the code as it is now, made in a copy of the
    tree so that the working copy is not touched."""
    tmp = tmp_path_factory.mktemp("messages")
    skip = shutil.ignore_patterns("__pycache__", "*.mo", "static")
    for name in SOURCES:
        shutil.copytree(ROOT / name, tmp / name, ignore=skip)
    shutil.copytree(ROOT / "locale", tmp / "locale", ignore=skip)
    with override_settings(LOCALE_PATHS=[tmp / "locale"]), contextlib.chdir(tmp):
        call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, add_location="file", verbosity=0)
    return tmp / CATALOGUE


def test_every_message_in_the_code_has_a_chinese_translation(fresh_catalogue):
    entries = parse_po(fresh_catalogue)
    assert len(entries) > 500  # makemessages did read the code
    missing = [(e.get("msgctxt"), e["msgid"]) for e in entries if not e.get("msgstr")]
    fuzzy = [(e.get("msgctxt"), e["msgid"]) for e in entries if "fuzzy" in e["flags"]]
    hint = "run makemessages and translate in locale/zh_Hans/LC_MESSAGES/django.po (docs/architecture.md)"
    assert not missing, f"no zh-hans translation for {missing}: {hint}"
    assert not fuzzy, f"fuzzy zh-hans translation for {fuzzy}: {hint}"


def test_the_committed_catalogue_is_what_makemessages_makes(fresh_catalogue):
    """No stale entry lingers (it would still be compiled and could shadow Django's own catalogue)."""
    keys = {(e.get("msgctxt"), e["msgid"]) for e in parse_po(ROOT / CATALOGUE)}
    assert keys == {(e.get("msgctxt"), e["msgid"]) for e in parse_po(fresh_catalogue)}


def model_messages() -> dict[str, set[str]]:
    """msgid → the apps whose models.py use it, without a context, as a choice label or as the
    verbose name of a field or model. A relation's verbose name is left out: it names the row it
    points to, which is one thing wherever it is pointed at."""
    used: dict[str, set[str]] = defaultdict(set)

    def name(node):
        return getattr(node, "id", None) or getattr(node, "attr", None)

    def visit(node, app, in_relation=False):
        if isinstance(node, ast.Call) and name(node.func) in RELATIONS:
            in_relation = True
        if (
            isinstance(node, ast.Call)
            and name(node.func) in GETTEXT
            and not in_relation
            and isinstance(node.args[0], ast.Constant)
        ):
            used[node.args[0].value].add(app)
        for child in ast.iter_child_nodes(node):
            visit(child, app, in_relation)

    for path in sorted((ROOT / "apps").glob("*/models.py")):
        visit(ast.parse(path.read_text(encoding="utf-8")), path.parent.name)
    return used


def test_a_word_used_by_the_models_of_several_apps_has_one_sense_or_a_context():
    shared = {msgid: apps for msgid, apps in model_messages().items() if len(apps) > 1}
    assert "Pending" not in shared  # an outbox status and a visit outcome: two contexts
    unchecked = {msgid: sorted(apps) for msgid, apps in shared.items() if msgid not in SAME_SENSE_EVERYWHERE}
    assert not unchecked, (
        f"{unchecked}: give each sense a context (pgettext_lazy) or, if it means the same in every app, "
        "add it to SAME_SENSE_EVERYWHERE with its Chinese"
    )


def test_the_allow_list_names_words_still_shared_and_their_one_translation():
    shared = {msgid for msgid, apps in model_messages().items() if len(apps) > 1}
    assert set(SAME_SENSE_EVERYWHERE) <= shared, set(SAME_SENSE_EVERYWHERE) - shared
    with translation.override("zh-hans"):
        assert {msgid: translation.gettext(msgid) for msgid in SAME_SENSE_EVERYWHERE} == SAME_SENSE_EVERYWHERE


@pytest.mark.parametrize(
    ("context", "chinese"), [("visit outcome", "待定"), ("outbox status", "待发送")], ids=["visit", "outbox"]
)
def test_pending_reads_as_its_sense(context, chinese):
    with translation.override("zh-hans"):
        assert translation.pgettext(context, "Pending") == chinese


def test_the_visit_outcome_a_daily_report_offers_first_is_not_the_outbox_status():
    from apps.tenancy.models import OutboxMail
    from apps.visits.models import Visit

    with translation.override("zh-hans"):
        assert Visit.Outcome.PENDING.label == "待定"
        assert OutboxMail.Status.PENDING.label == "待发送"


class LabelForm(forms.Form):
    prospect_name = forms.CharField(label=_("Or a prospect"))


@pytest.mark.parametrize(("language", "label"), [("en", "Or a prospect"), ("zh-hans", "或潜在客户")])
def test_a_form_label_carries_no_colon_in_either_language(language, label):
    """Labels written in templates have none, so the ones Django renders have none either."""
    with translation.override(language):
        html = render_to_string("includes/field.html", {"field": LabelForm()["prospect_name"]})
    assert f'<label for="id_prospect_name">{label}</label>' in html
    assert ":" not in html.split("</label>")[0] and "：" not in html
