"""Text AWS refuses is refused first, at its dotted path: tags (IAM's rule), egress descriptions (EC2's)."""

import pytest

from tests.helpers import config_problems, default_data, load


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("team", "ml-platform"),
        ("cost center", "Zürich 4/2 @ops"),
        ("owner:email", "ml+ops@example.com"),
        ("日本", "値"),
    ],
)
def test_tags_iam_accepts(key, value):
    data = default_data()
    data["tags"] = {key: value}
    assert dict(load(data).tags) == {key: value}


def test_tags_iam_refuses():
    data = default_data()
    data["tags"] = {"team": '${file("/proc/self/environ")}', "a;b": "x", "aws:owner": "me"}
    data["pipelines"]["news-encoder"]["variants"]["control"]["tags"] = {"stage": 'say "hi"'}
    found = config_problems(data)
    assert [line.split(": ", 1)[0] for line in found] == [
        "tags.team",
        "tags.a;b",
        "tags.aws:owner",
        "pipelines.news-encoder.variants.control.tags.stage",
    ]
    assert "not allowed in a tag; use letters, digits, spaces and _ . : / = + - @ (what IAM accepts)" in found[0]
    assert "the aws: prefix is reserved" in found[2]


def test_egress_descriptions_ec2_accepts_and_refuses():
    data = default_data()
    data["network"]["egress"] = [{"port": 443, "description": "HTTPS: ECR, logs (AWS APIs) [all] #1 & more; {x}!$*"}]
    assert load(data).variants[0].settings.egress[0].description.startswith("HTTPS")
    data["network"]["egress"] = [{"port": 443, "description": 'caf\u00e9 "quoted"'}]
    (line,) = config_problems(data)
    assert line.startswith(
        "network.egress[0].description: use letters, digits, spaces and _ . : / ( ) # , @ [ ] + = & ;"
    )
