"""IAM statements and resource patterns: where a statement lets its principal write, when two patterns can name
one object."""

import pytest

from modules.lib.iam_patterns import namespaces_overlap, write_namespaces

BUCKET = "arn:aws:s3:::features"


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        (f"{BUCKET}/a/control/*", f"{BUCKET}/a/control/*", True),
        (f"{BUCKET}/a/*", f"{BUCKET}/a/control/*", True),
        (f"{BUCKET}/a/control/*", f"{BUCKET}/a/treatment/*", False),
        (f"{BUCKET}/a/*", f"{BUCKET}/ab/*", False),
        (f"{BUCKET}/*", f"{BUCKET}/a/b", True),
        (f"{BUCKET}/a/control/*", "arn:aws:s3:::other/a/control/*", False),
    ],
)
def test_namespaces_overlap_when_one_can_name_an_object_of_the_other(first, second, overlap):
    assert namespaces_overlap(first, second) is overlap
    assert namespaces_overlap(second, first) is overlap


TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/features"
LEADING = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["p/control/*"]}}


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/p/*"}, ["arn:aws:s3:::b/p/*"]),
        ({"Effect": "Allow", "Action": ["S3:*"], "Resource": ["arn:aws:s3:::b/*", TABLE]}, ["arn:aws:s3:::b/*"]),
        ({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}, ["*"]),
        ({"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}, []),
        ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, []),
        ({"Effect": "Allow", "Action": "dynamodb:*", "Resource": TABLE}, [f"{TABLE}/*"]),
        (
            {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": TABLE, "Condition": LEADING},
            [f"{TABLE}/p/control/*"],
        ),
        ("not a statement", []),
    ],
)
def test_write_namespaces_are_the_put_resources_and_a_tables_leading_keys(statement, expected):
    assert write_namespaces(statement) == expected
