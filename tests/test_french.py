"""French formatting of numbers, percentages, amounts and dates."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from labo_dash import french, parsing

NB = "\u00a0"
NNB = "\u202f"


def test_number_uses_comma_and_grouped_thousands():
    assert french.number(1234.5, 1) == f"1{NB}234,5"
    assert french.number(1234567) == f"1{NB}234{NB}567"
    assert french.number(None) == "–"


def test_percent_from_fraction():
    assert french.percent(0.125) == f"12,5{NB}%"
    assert french.percent(0.5) == f"50{NB}%"
    assert french.percent(1) == f"100{NB}%"
    assert french.percent(0.2, 0) == f"20{NB}%"


def test_progress_one_text_for_an_unmeasured_one():
    assert french.progress(40) == f"40{NB}%"
    assert french.progress(40.0) == f"40{NB}%"  # a DataFrame's column of whole points
    assert french.progress(0.725, fraction=True) == f"72,5{NB}%"
    assert french.progress(0.725, fraction=True, decimals=0) == f"72{NB}%"
    for unmeasured in (None, float("nan"), pd.NA, pd.NaT):
        assert french.progress(unmeasured) == "non mesuré"
        assert french.progress(unmeasured, fraction=True) == "non mesuré"


def test_unmeasured_progress_is_written_in_one_place():
    """Every view says « non mesuré » through french.progress: the text is written once (issue 16)."""
    root = Path(french.__file__).parent.parent
    writers = sorted(
        str(path.relative_to(root))
        for path in [*root.glob("labo_dash/**/*.py"), *root.glob("pages/*.py")]
        if re.search(r"[\"']non mesuré[\"']", path.read_text(encoding="utf-8"))
    )
    assert writers == ["labo_dash/french.py"]


def test_amounts_with_cents_and_no_break_spaces():
    assert french.amount(45000) == f"45{NB}000,00{NB}€"
    assert french.amount(Decimal("12500.5")) == f"12{NB}500,50{NB}€"
    assert french.amount(0) == f"0,00{NB}€"
    assert french.amount(None) == "–"
    typed = french.amount(Decimal("45000.10"))
    assert parsing.parse_amount(typed, "Budget", high=10**8) == Decimal("45000.10"), "read back unchanged"


def test_dates():
    assert french.date(dt.date(2026, 11, 26)) == "26 novembre 2026"
    assert french.date(dt.date(2026, 3, 1)) == "1er mars 2026"
    assert french.month(dt.date(2026, 8, 1)) == "août 2026"
    assert french.clock(dt.time(9, 0)) == "9h" and french.clock(dt.time(12, 30)) == "12h30"


def test_labels():
    assert french.status("terminee") == "Terminée"
    assert french.participant_kind("collectivite") == "Collectivité territoriale"
    assert french.participant_kind(None) == "Non renseigné"


def test_datetime_of_a_local_moment():
    paris = ZoneInfo("Europe/Paris")
    assert french.datetime(dt.datetime(2026, 10, 1, 0, 30, tzinfo=paris)) == "1er octobre 2026 à 0h30"
    assert french.datetime(dt.datetime(2026, 11, 26, 14, 0)) == "26 novembre 2026 à 14h"
    assert french.datetime(dt.datetime(2026, 3, 29, 3, 5, tzinfo=paris)) == "29 mars 2026 à 3h05"
    assert french.datetime(None) == "–"
def test_rank_long_and_short_forms():
    assert [french.rank(r) for r in (1, 2, 11)] == ["1er", "2e", "11e"]
    assert french.rank(1, tied=True) == "1er ex æquo" and french.rank(4, True) == "4e ex æquo"
    ranks = [(1, True), (1, True), (1, True), (4, False)]
    assert " ".join(french.rank(r, t, short=True) for r, t in ranks) == "1. 1. 1. 4."
    assert "ᵉ" not in "".join(french.rank(r, t) for r, t in ranks)


def test_ordinals_masculine_and_feminine():
    assert [french.ordinal(n) for n in (1, 2, 3, 21)] == ["1er", "2e", "3e", "21e"]
    assert french.ordinal(1, feminine=True) == "1re" and french.ordinal(2, feminine=True) == "2e"
    assert "ᵉ" not in "".join(french.ordinal(n, f) for n in range(1, 30) for f in (False, True))


def test_plurals_written_out():
    assert french.plural(0, "constat importé", "constats importés") == "0 constat importé"
    assert french.plural(1, "nouvelle", "nouvelles") == "1 nouvelle"
    assert french.plural(2, "nouvelle", "nouvelles") == "2 nouvelles"
    assert french.plural(1234, "action", "actions") == f"1{NB}234 actions"
    assert [french.agree(n, "Corrigez-la", "Corrigez-les") for n in (0, 1, 2)] == [
        "Corrigez-la", "Corrigez-la", "Corrigez-les"]


def test_a_count_out_of_a_total_agrees_on_both_sides():
    people = ("inscrit·e", "inscrit·e·s")
    assert french.out_of(42, ("votant·e", "votant·e·s"), 57, people) == "42 votant·e·s sur 57 inscrit·e·s"
    assert french.out_of(0, ("votant·e", "votant·e·s"), 1, people) == "0 votant·e sur 1 inscrit·e"
    present = ("présent·e", "présent·e·s")
    assert french.out_of(1, present, 1234, people) == f"1 présent·e sur 1{NB}234 inscrit·e·s"


def test_guillemets_hold_their_text_with_narrow_no_break_spaces():
    assert french.guillemets("Plénière") == f"«{NNB}Plénière{NNB}»"
    assert " " not in french.guillemets("Défi"), "no ordinary space: a line never breaks inside"


def test_the_charts_locale_writes_french_numbers_and_months():
    number = french.VEGA_LOCALE["number"]
    assert (number["decimal"], number["thousands"], number["percent"]) == (",", NB, f"{NB}%")
    assert french.VEGA_LOCALE["time"]["months"][10] == "novembre"
    assert len(french.VEGA_LOCALE["time"]["shortMonths"]) == 12


def test_no_break_spaces_where_french_typography_wants_them():
    text = "Donnez une mention. « Pas d'avis » compte : 20 % ; 45 € ! Vraiment ?"
    assert french.spaces(text) == (f"Donnez une mention. «{NNB}Pas d'avis{NNB}» compte{NB}: 20{NB}% ; "
                                   .replace(" ;", f"{NNB};") + f"45{NB}€{NNB}! Vraiment{NNB}?")
    assert french.spaces("http://x?code=AB:CD") == "http://x?code=AB:CD", "no space, nothing added"
    assert french.spaces(french.spaces(text)) == french.spaces(text)


def test_the_phone_pages_never_break_a_line_inside_guillemets():
    from labo_dash.phone import render as phone_html

    body = phone_html.notice("note", "Choisissez « Sans avis » : rien ne se perd !")
    body += "<textarea name='t'>« tel quel » !</textarea>"
    html = phone_html.page("Vote", body, "n0nce")
    assert f"«{NNB}Sans avis{NNB}»{NB}: rien ne se perd{NNB}!" in html
    assert "<textarea name='t'>« tel quel » !</textarea>" in html, "typed text is sent back as typed"
    assert "« " not in html.split("<main>")[1].split("<textarea")[0]


def test_every_list_widget_has_a_french_placeholder_and_no_select_all():
    """Streamlit's own « Choose an option » (a hidden attribute too) and « Select all » are English: every
    selectbox and multiselect names its French placeholder, and no multiselect offers « Select all »."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    missing = []
    for path in [*root.glob("labo_dash/ui/*.py"), *root.glob("pages/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            widget = getattr(node.func, "attr", None) if isinstance(node, ast.Call) else None
            if widget in ("selectbox", "multiselect"):
                given = {k.arg: k.value for k in node.keywords}
                if "placeholder" not in given:
                    missing.append(f"{path.name}:{node.lineno} placeholder")
                if widget == "multiselect" and not (
                    isinstance(given.get("select_all"), ast.Constant) and given["select_all"].value is False
                ):
                    missing.append(f"{path.name}:{node.lineno} select_all=False")
    assert not missing, missing
