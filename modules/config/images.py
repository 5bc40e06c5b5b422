"""Container image references, parsed in one place by the distribution reference grammar (pure).

`[host[:port]/]path[:tag][@digest]` as Docker and ECS read it (github.com/distribution/reference,
regexp.go): a host of DNS labels or a bracketed IPv6 address, an optional port; a path of
lower-case components joined by `/` (separators `.`, `_`, `__`, `-`); a tag of at most 128
characters `[A-Za-z0-9_.-]` not starting with `.` or `-`; a digest `algorithm:hex`. The first
component is the registry host only when it has a `.` or a `:`, is `localhost`, or has upper
case; otherwise the image is on Docker Hub. The whole text must match: a trailing newline or
space is no reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import StringConstraints

from .arns import RepositoryRef
from .errors import Problem

#: A tag: at most 128 characters `[A-Za-z0-9_.-]`, not starting with `.` or `-`.
TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
#: The digest a config pins an image by: sha256 and its 64 lower-case hex digits.
DIGEST = r"sha256:[a-f0-9]{64}"
#: An image tag as a config writes it (`image_tag`, the main container's and a sidecar's).
ImageTag = Annotated[str, StringConstraints(pattern=f"^{TAG}$")]
#: An image digest as a config writes it (`image_digest`).
ImageDigest = Annotated[str, StringConstraints(pattern=f"^{DIGEST}$")]

_LABEL = r"(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])"
_HOST = rf"(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]+\])"
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REFERENCE = re.compile(
    rf"(?P<name>(?:{_HOST}(?::[0-9]+)?/)?{_COMPONENT}(?:/{_COMPONENT})*)"
    rf"(?::(?P<tag>{TAG}))?"
    r"(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}))?"
)
#: A private ECR registry (pulled with the execution role's grant): `<account>.dkr.ecr.<region>.amazonaws.com`,
#: its FIPS and China forms, and the dual-stack `<account>.dkr-ecr.<region>.on.aws`.
_PRIVATE_ECR = re.compile(r"[0-9]{12}\.dkr[.-]ecr(?:-fips)?\..+")


@dataclass(frozen=True)
class ImageReference:
    """The parts of an image reference; `registry` is `docker.io` when the reference names none."""

    registry: str
    path: str
    tag: str | None
    digest: str | None

    @property
    def host(self) -> str:
        """The registry host without its port, lower case (DNS names are case-insensitive)."""
        host = self.registry.rsplit(":", 1)[0] if not self.registry.endswith("]") else self.registry
        return host.lower()

    @property
    def private_ecr(self) -> bool:
        """True when the image is in a private ECR registry, whatever port or case its host is written with."""
        return bool(_PRIVATE_ECR.fullmatch(self.host))


@dataclass(frozen=True)
class PinnedImage:
    """A container's image: what pins it, the reference a container definition names and the private ECR
    repository it is pulled from."""

    reference: str
    """The tag, or the digest `sha256:<hex>`, as the config pins it (a public image: its whole reference)."""
    uri: str
    """`<repository URI>:<tag>` or `<repository URI>@<digest>`, or a public image's reference; in an exported
    module, the Terraform expression that builds it from the module's image variable (whose default is
    `reference`)."""
    repository_arn: str | None = None
    """The private ECR repository it is pulled from (the execution role may); None: a public image."""

    @classmethod
    def in_repository(cls, repository: RepositoryRef, *, tag: str | None, digest: str | None) -> PinnedImage:
        """The image of a private ECR repository pinned by `digest` when given (immutable), else by `tag`."""
        return cls(
            reference=digest or tag or "", uri=repository.image(tag=tag, digest=digest), repository_arn=repository.arn
        )

    @classmethod
    def public(cls, reference: str) -> PinnedImage:
        """An image of a public registry, by its whole (checked) reference."""
        return cls(reference=reference, uri=reference)


def parse(text: str) -> ImageReference:
    """The parts of the image reference `text`; ValueError when the whole text is not one."""
    match = _REFERENCE.fullmatch(text)
    if not match:
        raise ValueError("not an image reference")
    first, _, rest = match["name"].partition("/")
    if rest and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
        registry, path = first, rest
    else:
        registry, path = "docker.io", match["name"]
    return ImageReference(registry=registry, path=path, tag=match["tag"], digest=match["digest"])


def pin_problems(tag: str | None, digest: str | None, path: str) -> list[Problem]:
    """A container's image is pinned by `image_tag` or `image_digest` (at `path`), not both."""
    if tag and digest:
        return [Problem(f"{path}.image_digest", "set image_tag or image_digest, not both", digest)]
    return []
