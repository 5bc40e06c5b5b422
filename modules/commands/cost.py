"""`cost`: what each variant costs to run on Fargate, all day, every day."""

from __future__ import annotations

import argparse
import datetime
import json

from ..config import load_file
from ..config.pricing import CURRENCIES
from ..cost import cloudwatch, experiment, render
from ..cost.currency import currency_for
from ..cost.model import price_deployment
from .common import EXIT_OK, add_config_argument

NAME = "cost"
HELP = "Fargate cost per variant, per pipeline and in total (hour, month, year); an experiment's to date"
READ_ONLY = True
FORMATS = {"table": render.table, "markdown": render.markdown, "json": render.as_json}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument("--format", choices=tuple(FORMATS), default="table", help="output format (default: table)")
    parser.add_argument(
        "--currency",
        type=str.upper,
        choices=CURRENCIES,
        default=None,
        help="currency of the amounts (default: the config's pricing.currency, else USD)",
    )
    parser.add_argument(
        "--usd-rate",
        type=float,
        default=None,
        metavar="N",
        help="units of --currency per USD, e.g. 149.2 (default: the config's pricing.usd_rates)",
    )


def now() -> datetime.datetime:
    """The clock an experiment's cost to date is counted to (UTC)."""
    return datetime.datetime.now(datetime.UTC)


def run(args: argparse.Namespace) -> int:
    deployments = load_file(args.config)
    currency = currency_for(args.currency, args.usd_rate, deployments[0].pricing)
    costs = [cost for deployment in deployments for cost in price_deployment(deployment)]
    experiments = experiment.experiment_costs(deployments, costs, now())
    if args.format == "json":  # each variant of an experiment with its cost to date
        by_variant = {
            (e.cost.workload.stack, e.cost.workload.pipeline, e.cost.workload.variant): e for e in experiments
        }
        records = render.records(costs, currency)
        for item in records:
            found = by_variant.get((item["stack"], item["pipeline"], item["variant"]))  # type: ignore[arg-type]
            if found is not None:
                item["experiment"] = experiment.record(found, currency)
        print(json.dumps(records, indent=2))
        return EXIT_OK
    print(FORMATS[args.format](costs, currency), end="")
    section = experiment.lines(experiments, currency)
    if section:
        bullets = [f"- {line.strip()}" for line in section] if args.format == "markdown" else section
        print("\n" + "\n".join(bullets))
    # CloudWatch's own price: a separate line per stack
    print(
        "".join(f"\n{cloudwatch.line(d.stack, d.region, cloudwatch.cloudwatch_cost(d), currency)}" for d in deployments)
    )
    return EXIT_OK
