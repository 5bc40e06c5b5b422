"""`cost`: what each variant costs to run on Fargate, all day, every day."""

from __future__ import annotations

import argparse

from ..config import load_file
from ..config.pricing import CURRENCIES
from ..cost import cloudwatch, render
from ..cost.currency import currency_for
from ..cost.model import price_deployment
from .common import EXIT_OK, add_config_argument

NAME = "cost"
HELP = "Fargate cost per variant, per pipeline and in total (hour, month, year)"
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


def run(args: argparse.Namespace) -> int:
    deployments = load_file(args.config)
    currency = currency_for(args.currency, args.usd_rate, deployments[0].pricing)
    costs = [cost for deployment in deployments for cost in price_deployment(deployment)]
    print(FORMATS[args.format](costs, currency), end="")
    if args.format != "json":  # CloudWatch's own price: a separate line per stack
        print(
            "".join(
                f"\n{cloudwatch.line(d.stack, d.region, cloudwatch.cloudwatch_cost(d), currency)}" for d in deployments
            )
        )
    return EXIT_OK
