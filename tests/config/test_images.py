"""Image references parsed by the distribution reference grammar, in one place."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.config import images
from tests.helpers import config_problems, default_data
from tests.strategies import fuzz

PIPELINE = "pipelines.news-encoder"
DIGEST = f"sha256:{'a' * 64}"


def sidecar_problems(image: str) -> list[str]:
    data = default_data()
    data["pipelines"]["news-encoder"]["sidecars"] = {"agent": {"image": image, "user": "1000"}}
    return config_problems(data)


@pytest.mark.parametrize(
    ("text", "registry", "path", "tag", "digest"),
    [
        ("fluent/fluent-bit:3.2.4", "docker.io", "fluent/fluent-bit", "3.2.4", None),
        ("busybox:1.37", "docker.io", "busybox", "1.37", None),
        ("localhost:5000/tools/agent:1", "localhost:5000", "tools/agent", "1", None),
        ("localhost/agent:1", "localhost", "agent", "1", None),
        ("public.ecr.aws/datadog/agent:7", "public.ecr.aws", "datadog/agent", "7", None),
        (f"registry.example.com:8443/a/b@{DIGEST}", "registry.example.com:8443", "a/b", None, DIGEST),
        (f"quay.io/x/y:v1@{DIGEST}", "quay.io", "x/y", "v1", DIGEST),
        ("[::1]:5000/agent:1", "[::1]:5000", "agent", "1", None),
        ("Registry.Example.com/agent:1", "Registry.Example.com", "agent", "1", None),
        ("a__b/c---d.e_f:1", "docker.io", "a__b/c---d.e_f", "1", None),
    ],
)
def test_references_are_parsed_into_their_parts(text, registry, path, tag, digest):
    reference = images.parse(text)
    assert (reference.registry, reference.path, reference.tag, reference.digest) == (registry, path, tag, digest)


@pytest.mark.parametrize(
    "text",
    [
        "fluent/fluent-bit:3.2.4\n",  # a trailing newline
        "fluent/fluent-bit:3.2.4 ",
        "\nfluent/fluent-bit:3.2.4",
        "Upper/Case:1",  # upper case in the path
        "a/b:" + "x" * 129,  # a tag over 128 characters
        "a/b:-x",  # a tag starting with a dash
        "a/b:ü",  # a tag outside ASCII
        "a//b:1",
        "a/b/:1",
        "example.com./a:1",  # a trailing dot in the host
        "example.com:port/a:1",
        "a/b@sha256:xyz",
        "",
    ],
)
def test_malformed_references_are_refused(text):
    with pytest.raises(ValueError, match="not an image reference"):
        images.parse(text)


@pytest.mark.parametrize(
    "host",
    [
        "123456789012.dkr.ecr.us-east-1.amazonaws.com",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com:443",
        "123456789012.DKR.ECR.US-EAST-1.AMAZONAWS.COM",
        "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com",
        "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn",
        "123456789012.dkr-ecr.us-east-1.on.aws",  # the dual-stack endpoint
    ],
)
def test_private_ecr_is_recognized_by_its_host_whatever_the_port_or_case(host):
    assert images.parse(f"{host}/fluent-bit:3.2.4").private_ecr
    (problem,) = sidecar_problems(f"{host}/fluent-bit:3.2.4")
    assert problem.startswith(f"{PIPELINE}.sidecars.agent.image") and "set repository_arn" in problem, problem


@pytest.mark.parametrize("host", ["public.ecr.aws", "123456789012.example.com", "dkr.ecr.us-east-1.amazonaws.com"])
def test_other_registries_are_not_private_ecr(host):
    assert not images.parse(f"{host}/fluent-bit:3.2.4").private_ecr


@pytest.mark.parametrize(
    "image", ["fluent/fluent-bit:3.2.4\n", "fluent/fluent-bit:3.2.4\r\n", " fluent/fluent-bit:3.2.4"]
)
def test_a_sidecar_image_with_surrounding_whitespace_is_refused(image):
    (problem,) = sidecar_problems(image)
    assert problem.startswith(f"{PIPELINE}.sidecars.agent.image: not an image reference"), problem


_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_HOST = st.builds(".".join, st.lists(_LABEL, min_size=2, max_size=4))
_COMPONENT = st.from_regex(r"[a-z0-9]{1,6}((\.|_|__|-+)[a-z0-9]{1,6}){0,2}", fullmatch=True)


@fuzz(50)
@given(
    registry=st.one_of(_HOST, st.builds(lambda host, port: f"{host}:{port}", _HOST, st.integers(1, 65535))),
    components=st.lists(_COMPONENT, min_size=1, max_size=3),
    tag=st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}", fullmatch=True),
    extra=st.sampled_from(["\n", "\r\n", " ", "\t", "\x00", "\u2028", "\u3164", "/", ":", "@"]),
)
def test_any_reference_parses_into_its_parts_and_nothing_may_follow_it(registry, components, tag, extra):
    text = f"{registry}/{'/'.join(components)}:{tag}"
    reference = images.parse(text)
    assert (reference.registry, reference.path, reference.tag) == (registry, "/".join(components), tag)
    with pytest.raises(ValueError, match="not an image reference"):
        images.parse(text + extra)
