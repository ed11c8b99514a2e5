"""The benchmark runs end to end at the smallest scale (it proves it works; no timing
is ever asserted in tests)."""

import shutil

import pytest

from bench import run


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is installed by `make test`")
def test_benchmark_runs_and_writes_a_report(tmp_path, database_url):
    output = tmp_path / "report.md"
    database = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    run.main(["--scale", "0.0005", "--duration", "1", "--connections", "2", "--workers", "2",
              "--database", database, "--output", str(output)])
    text = output.read_text()
    assert "| Flask nu (« hello ») | 2 |" in text
    assert "Idées du grand défi, par soutiens" in text and "Mémoire résidente" in text
    table = text.split("Tâches de fond")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "|---" not in line]
    assert len(rows) == 1 + 26  # header + ceiling + thirteen pages (three agendas, the
    # pairwise ranking, the opinion groups, the emerging topics and the list filtered by
    # one) + two signed in (the list and an idea) +
    # support + moderation queue + the survey's answer and results + the signed-in agenda
    # + the registration POST + the pair's page and its vote + the next statement and
    # its answer
    assert "Soutenir puis retirer" in text and "File de modération" in text
    assert "à modérer, 50 idées en attente et des signalements ouverts sur 5 idées" in text
    assert "citoyen connecté (ses soutiens" in text and "Page d'une idée, citoyen connecté" in text
    assert "synchronous=FULL" in text or "synchronous_commit" in text
    assert "Répondre au questionnaire" in text and "Résultats du questionnaire" in text
    cells = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in rows]
    assert cells[0][7:] == ["erreurs", "CPU des workers, ms/req", "machine occupée"]
    assert all(row[7] == "0" for row in cells[1:]), "no errors"
    # each row's CPU per request and the machine's share, measured
    assert all(float(row[8]) > 0 and row[9].endswith(" %") for row in cells[1:])
    assert "Agenda d'un programme de 5 000 événements" in text
    assert "S'inscrire puis se désinscrire" in text
    assert "Comparer deux idées : choisir (POST" in text and "répondre à une proposition" in text
    assert "Scores Bradley–Terry" in text and "Groupes d'opinion" in text
    assert "Tirage d'une paire" in text
    counts = {line.split(" | ")[0].strip("| "): int(line.rstrip(" |").split(" | ")[-1])
              for line in text.split("Requêtes SQL par page")[1].splitlines()
              if line.startswith("| ") and "|---" not in line and "requêtes" not in line}
    assert all(0 < n < 40 for n in counts.values()), counts  # every page answered 200
    assert counts["Agenda du programme"] <= counts["Idées du grand défi, par soutiens"] + 5
    assert "Sujets émergents du grand défi" in text
    # the pages that show topics stay within the idea list's budget (issue 22)
    for page in ("Sujets émergents", "Idées filtrées par sujet émergent"):
        assert counts[page] <= counts["Idées du grand défi, par soutiens"] + 3, counts


@pytest.mark.slow
@pytest.mark.dbless  # the crash's reproducer serves its own SQLite seed
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is installed by `make test`")
def test_the_crash_reproducer_loads_both_sides_and_counts(tmp_path):
    from bench import crash

    counts = crash.main(["--minutes", "0.05", "--scale", "0.0005", "--reuse", str(tmp_path)])
    assert set(counts) == {"compilés", "Python"}
    assert all(side["requests"] > 0 for side in counts.values())
    assert counts["Python"]["crashes"] == 0
    assert isinstance(counts["compilés"]["crashes"], int)  # a count read from its log
