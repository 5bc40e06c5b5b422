"""IAM resource patterns: when two can name one object."""

import pytest

from modules.lib.iam_patterns import namespaces_overlap

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
