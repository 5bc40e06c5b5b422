"""`python main.py cost` as users run it: formats, currencies, exit status 2 for bad input."""

import json

from tests.helpers import ROOT, default_data, run, to_yaml


def test_default_table():
    result = run("cost")
    assert result.returncode == 0, result.stderr
    assert "news-encoder  treatment      1     2    8  x86_64     -    0.1454     106.11  1,273.35" in result.stdout
    assert result.stdout.splitlines()[6].split() == ["total", "0.2070", "151.10", "1,813.14"]


def test_json_in_jpy():
    result = run("cost", "--format", "json", "--currency", "jpy", "--usd-rate", "149.2")
    assert result.returncode == 0, result.stderr
    treatment = json.loads(result.stdout)[1]
    assert (treatment["usd_per_hour"], treatment["jpy_per_hour"], treatment["jpy_per_year"]) == (0.14536, 21.69, 189984)


def test_markdown_uses_the_configs_currency(tmp_path):
    data = default_data()
    data["pricing"] = {"currency": "JPY", "usd_rates": {"JPY": 150}}
    config = tmp_path / "jpy.yaml"
    config.write_text(to_yaml(data))
    result = run("cost", "--config", str(config), "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert "| JPY/hour | JPY/month | JPY/year |" in result.stdout
    assert "Exchange rate: 150 JPY per USD" in result.stdout


def test_bad_input_exits_2_with_the_fix(tmp_path):
    missing = run("cost", "--currency", "JPY")
    assert missing.returncode == 2
    assert "--usd-rate: no JPY per USD rate: pass --usd-rate N" in missing.stderr
    negative = run("cost", "--currency", "JPY", "--usd-rate", "-149.2")
    assert negative.returncode == 2
    assert "--usd-rate: not a plausible JPY per USD rate; use 50-500 (got -149.2)" in negative.stderr
    unknown = run("cost", "--currency", "EUR")
    assert unknown.returncode == 2
    assert "argument --currency: invalid choice: 'EUR'" in unknown.stderr
    data = default_data()
    data["region"] = "eu-central-2"
    config = tmp_path / "eu.yaml"
    config.write_text(to_yaml(data))
    no_prices = run("cost", "--config", str(config))
    assert no_prices.returncode == 2
    assert "pricing.regions.eu-central-2.x86_64: unknown for eu-central-2: Fargate x86_64 prices: no source" in (
        no_prices.stderr
    )
    assert no_prices.stderr.splitlines()[0] == f"error: {config}: 1 problem", "cost never writes anything"
    for result in (missing, negative, unknown, no_prices):
        assert "Traceback" not in result.stderr
        assert result.stdout == ""


def test_one_table_for_all_environments():
    result = run("cost", "--config", str(ROOT / "examples" / "environments.yaml"))
    assert result.returncode == 0, result.stderr
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert lines[0].startswith("Fargate cost of dev (ap-northeast-1), stg (ap-northeast-1), prd (ap-northeast-1)")
    assert "dev/news-encoder control 1 1 2 x86_64 50% at -70% 0.0401 29.24 350.86" in lines
    assert "prd/news-encoder control 3 1 2 x86_64 - 0.1849 134.95 1,619.37" in lines
    assert "total 0.3810 278.14 3,337.71" in lines


def test_an_experiment_shows_each_variants_cost_to_date_on_the_commands_clock(tmp_path, monkeypatch):
    import datetime

    from modules.commands import cost

    monkeypatch.setattr(cost, "now", lambda: datetime.datetime(2026, 12, 2, 12, 0, tzinfo=datetime.UTC))
    data = default_data()
    data["pipelines"]["news-encoder"]["experiment"] = {
        "id": "batch-64",
        "hypothesis": "shorter lag",
        "owner": "ml-platform",
        "start": "2026-11-30",
    }
    config = tmp_path / "experiment.yaml"
    config.write_text(to_yaml(data))
    table = run("cost", "--config", str(config))
    assert table.returncode == 0, table.stderr
    assert (
        "  news-encoder: batch-64 since 2026-11-30 (2.5 days)\n    control: 3.70 to date, 1.48 a day\n" in table.stdout
    )
    markdown = run("cost", "--config", str(config), "--format", "markdown")
    assert "- treatment: 8.72 to date, 3.49 a day" in markdown.stdout
    records = json.loads(run("cost", "--config", str(config), "--format", "json").stdout)
    assert records[1]["experiment"]["usd_to_date"] == 8.72
    plain = json.loads(run("cost", "--format", "json").stdout)
    assert "experiment" not in plain[0], "no experiment: the records as before"
