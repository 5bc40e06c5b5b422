"""Container-level settings: health check, restart policy, init process, ulimits and sidecars (pure).

A variant's `health_check`, `restart_policy` and `depends_on` replace its pipeline's whole;
`ulimits` and `sidecars` merge by name (`model.MERGED`): a variant's sidecar of the same name
replaces the pipeline's whole, others are inherited. The cross-field rules (dependencies, shares
of the task size, sidecar secrets) are checked after merging (`sidecar_problems`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from . import arns, images, names
from .errors import Problem
from .strict import Strict

#: What a container may wait for in another (ECS ContainerDependency.condition).
Condition = Literal["START", "COMPLETE", "SUCCESS", "HEALTHY"]
#: The ulimit names ECS accepts (the ECS API reference, Ulimit).
UlimitName = Literal[
    "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
    "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack",
]  # fmt: skip
#: Linux's default `fs.nr_open`: a higher `nofile` limit makes the container fail to start.
NOFILE_MAX = 1048576
#: Docker refuses a container memory limit below 6 MiB.
MIN_MEMORY_MIB = 6
IMAGE_RULE = (
    "a full image reference pinned by tag or digest, e.g. public.ecr.aws/aws-observability/"
    "aws-otel-collector:v0.43.1 or <registry>/<name>@sha256:<64 hex>; not `latest`"
)
_SHA256 = re.compile(images.DIGEST)

Arg = Annotated[str, StringConstraints(min_length=1, max_length=8192)]


def check_image(value: str) -> str:
    """Return `value` when it is an image reference pinned by a tag other than `latest` or a digest."""
    try:
        reference = images.parse(value)
    except ValueError as err:
        raise ValueError(f"{err}; use {IMAGE_RULE}") from None
    if reference.digest and not _SHA256.fullmatch(reference.digest):
        raise ValueError(f"a digest is sha256:<64 lower-case hex>; use {IMAGE_RULE}")
    if not reference.tag and not reference.digest:
        raise ValueError(
            f"no tag or digest: the image would be `latest`, whatever it is at each pull; use {IMAGE_RULE}"
        )
    if reference.tag == "latest" and not reference.digest:
        raise ValueError(f"`latest` is not pinned: each task may pull another image; use {IMAGE_RULE}")
    if reference.private_ecr:
        raise ValueError(
            "a private ECR image: set repository_arn and image_tag or image_digest instead, so the execution "
            "role may pull from that one repository"
        )
    return value


def _health_command(value: list[str]) -> list[str]:
    if value[0] not in ("CMD", "CMD-SHELL"):
        raise ValueError('start with "CMD" (then the executable and its arguments) or "CMD-SHELL" (then one command)')
    if value[0] == "CMD-SHELL" and len(value) != 2:
        raise ValueError('"CMD-SHELL" takes exactly one string: the shell command')
    return value


def _not_latest(value: str) -> str:
    if value == "latest":
        raise ValueError("`latest` is not pinned: each task may pull another image; use a release tag or image_digest")
    return value


class HealthCheck(Strict):
    """A container health check (ECS HealthCheck); ECS's defaults where a key is unset."""

    command: Annotated[list[Arg], Field(min_length=2, max_length=64), AfterValidator(_health_command)] = Field(
        description='`["CMD-SHELL", "<shell command>"]` or `["CMD", "<executable>", "<arg>", ...]`; exit status 0 '
        "is healthy (the image must contain what it runs)"
    )
    interval: Annotated[int, Field(ge=5, le=300)] = Field(30, description="seconds between checks (5-300)")
    timeout: Annotated[int, Field(ge=2, le=60)] = Field(
        5, description="seconds a check may take before it counts as failed (2-60)"
    )
    retries: Annotated[int, Field(ge=1, le=10)] = Field(
        3, description="consecutive failures before the container is unhealthy (1-10)"
    )
    start_period: Annotated[int, Field(ge=0, le=300)] = Field(
        0, description="seconds after start during which failures do not count (0-300; 0: none)"
    )


class RestartPolicy(Strict):
    """Restart of an exited container in place, without replacing the task (ECS restartPolicy)."""

    enabled: bool = Field(True, description="`false`: no restarts (a pipeline's policy turned off for a variant)")
    ignored_exit_codes: Annotated[list[Annotated[int, Field(ge=0, le=255)]], Field(max_length=50)] = Field(
        [], description="exit codes (0-255, at most 50) after which the container is not restarted, e.g. `[0]`"
    )
    restart_attempt_period: Annotated[int, Field(ge=60, le=1800)] = Field(
        300,
        description="seconds (60-1800) the container must have run before a restart is attempted; one that exits "
        "sooner is not restarted (the task stops, an essential container's task is replaced)",
    )


class Ulimit(Strict):
    """One resource limit of the container."""

    soft: Annotated[int, Field(ge=0, le=2**31 - 1)] = Field(description="soft limit (at most `hard`)")
    hard: Annotated[int, Field(ge=0, le=2**31 - 1)] = Field(description="hard limit")

    @model_validator(mode="after")
    def _soft_within_hard(self) -> Ulimit:
        if self.soft > self.hard:
            raise ValueError(f"soft {self.soft} is above hard {self.hard}: set soft <= hard")
        return self


Ulimits = Annotated[dict[UlimitName, Ulimit], Field(max_length=len(get_args(UlimitName)))]
DependsOn = Annotated[dict[Annotated[str, AfterValidator(names.check_name)], Condition], Field(max_length=20)]


class SidecarConfig(Strict):
    """A container beside the main one in every task of the variant (e.g. an OpenTelemetry collector).

    It obeys the main container's security rules: read-only root filesystem with a writable
    /tmp, logs to the variant's log group, never privileged; set `user` to a non-root uid.
    """

    image: Annotated[str, StringConstraints(max_length=1024), AfterValidator(check_image)] | None = Field(
        None,
        description=f"{IMAGE_RULE}; from a public registry (e.g. public.ecr.aws): no IAM grant. A private ECR "
        "image: `repository_arn` with `image_tag` or `image_digest` instead",
    )
    repository_arn: Annotated[str, AfterValidator(arns.check_repository_arn)] | None = Field(
        None, description="a private ECR repository (by ARN) the image comes from: the execution role may pull from it"
    )
    image_tag: Annotated[images.ImageTag, AfterValidator(_not_latest)] | None = Field(
        None, description="with `repository_arn`: the image tag (not `latest`)"
    )
    image_digest: images.ImageDigest | None = Field(
        None, description="with `repository_arn`: the image digest `sha256:<64 hex>`; replaces `image_tag`"
    )
    essential: bool = Field(
        False,
        description="`true`: the task stops when this container stops (as it does for the main container)",
    )
    depends_on: DependsOn = Field(
        {},
        description="container name -> condition (START, COMPLETE, SUCCESS, HEALTHY) it waits for before starting; "
        "the main container is named after the pipeline",
    )
    cpu: Annotated[float, Field(gt=0)] | None = Field(
        None, description="vCPU reserved for it out of the task's `cpu` (a multiple of 1/1024); unset: shared"
    )
    memory: Annotated[float, Field(gt=0)] | None = Field(
        None,
        description="GiB it may use at most (hard limit, a whole number of MiB, at least 6 MiB) out of the task's "
        "`memory`; unset: no limit of its own",
    )
    entry_point: Annotated[list[Arg], Field(max_length=64)] | None = Field(None, description="its entry point")
    command: Annotated[list[Arg], Field(max_length=256)] | None = Field(None, description="its command")
    environment: Annotated[
        dict[Annotated[str, AfterValidator(names.check_env_name)], Annotated[str, StringConstraints(max_length=32768)]],
        Field(max_length=200),
    ] = Field({}, description="plain environment variables, NAME -> value (never credentials: see `secrets`)")
    secrets: Annotated[
        dict[
            Annotated[str, AfterValidator(names.check_env_name)],
            Annotated[str, AfterValidator(arns.check_secret_arn)],
        ],
        Field(max_length=100),
    ] = Field(
        {},
        description="NAME -> secret ARN, as the main container's `secrets` (the execution role may read them; "
        "their KMS keys go in the variant's `secrets_kms_key_arns`)",
    )
    user: Annotated[str, AfterValidator(names.check_user)] | None = Field(
        None, description=f"user it runs as; {names.USER_RULE}"
    )
    health_check: HealthCheck | None = Field(None, description="its health check (as the main container's)")
    restart_policy: RestartPolicy | None = Field(None, description="its restart policy (as the main container's)")
    ulimits: Ulimits = Field({}, description="its resource limits (as the main container's `ulimits`)")

    @model_validator(mode="before")
    @classmethod
    def _one_image(cls, data: Any) -> Any:
        if isinstance(data, dict):
            private = any(data.get(key) is not None for key in ("repository_arn", "image_tag", "image_digest"))
            if data.get("image") is not None and private:
                raise ValueError("set image, or repository_arn with image_tag or image_digest, not both")
            if data.get("image") is None and not private:
                raise ValueError("no image: set image, or repository_arn with image_tag or image_digest")
            if data.get("image") is None and data.get("repository_arn") is None:
                raise ValueError("image_tag and image_digest need repository_arn: the private ECR repository")
        return data

    @property
    def pinned_image(self) -> images.PinnedImage:
        """Its image: the public reference, or the private ECR repository's image by tag or digest."""
        if self.image is not None:
            return images.PinnedImage.public(self.image)
        repository = arns.parse_repository_arn(self.repository_arn or "")
        return images.PinnedImage.in_repository(repository, tag=self.image_tag, digest=self.image_digest)


def sidecar_problems(
    sidecars: Mapping[str, SidecarConfig],
    *,
    main: str,
    main_depends_on: Mapping[str, str],
    main_health_check: HealthCheck | None,
    cpu: float,
    memory: float,
    paths: Mapping[str, str],
    main_path: str,
) -> list[Problem]:
    """Cross-field rules of one variant's containers after merging.

    `main` is the main container's name, `paths` each sidecar's dotted config path, `main_path`
    where the main container's `depends_on` is set; `cpu` and `memory` are the task size.
    """
    problems: list[Problem] = []
    if main in sidecars:
        problems.append(Problem(paths[main], f"the main container is named {main!r} (the pipeline); rename it", main))
    for name, sidecar in sidecars.items():
        path = paths[name]
        if sidecar.repository_arn is not None and not (sidecar.image_tag or sidecar.image_digest):
            problems.append(Problem(f"{path}.image_tag", "set image_tag or image_digest for repository_arn"))
        problems += images.pin_problems(sidecar.image_tag, sidecar.image_digest, path)
        overlap = sorted(set(sidecar.environment) & set(sidecar.secrets))
        if overlap:
            problems.append(
                Problem(
                    f"{path}.secrets", "names set both as environment and as secrets; keep each in one place", overlap
                )
            )
        if sidecar.cpu is not None and Decimal(str(sidecar.cpu)) * 1024 % 1:
            problems.append(
                Problem(f"{path}.cpu", "not a whole number of CPU units: use a multiple of 1/1024 vCPU", sidecar.cpu)
            )
        if sidecar.memory is not None and (
            Decimal(str(sidecar.memory)) * 1024 % 1 or Decimal(str(sidecar.memory)) * 1024 < MIN_MEMORY_MIB
        ):
            why = f"not a whole number of MiB of at least {MIN_MEMORY_MIB}: use GiB such as 0.125 or 0.5"
            problems.append(Problem(f"{path}.memory", why, sidecar.memory))
    problems += _share_problems(sidecars, cpu=cpu, memory=memory, paths=paths)
    problems += _ulimit_problems({f"{paths[n]}.ulimits": s.ulimits for n, s in sidecars.items()})
    problems += dependency_problems(
        sidecars,
        main=main,
        main_depends_on=main_depends_on,
        main_health_check=main_health_check,
        paths=paths,
        main_path=main_path,
    )
    return problems


def _share_problems(
    sidecars: Mapping[str, SidecarConfig], *, cpu: float, memory: float, paths: Mapping[str, str]
) -> list[Problem]:
    """The sidecars' explicit shares leave the main container some of the task size."""
    problems = []
    for key, total, unit in (("cpu", cpu, "vCPU"), ("memory", memory, "GiB")):
        shares = {name: getattr(s, key) for name, s in sidecars.items() if getattr(s, key) is not None}
        used = sum(Decimal(str(v)) for v in shares.values())
        if shares and used >= Decimal(str(total)):
            last = list(shares)[-1]
            why = (
                f"the sidecars' {key} adds up to {used.normalize():f} {unit}, not below the task's {total:g} {unit}: "
                f"leave the main container some (lower it or raise the task's {key})"
            )
            problems.append(Problem(f"{paths[last]}.{key}", why, shares[last]))
    return problems


def ulimit_problems(ulimits: Mapping[str, Ulimit], path: str) -> list[Problem]:
    """Limits ECS would pass but the container could not start with."""
    return _ulimit_problems({path: ulimits})


def _ulimit_problems(by_path: Mapping[str, Mapping[str, Ulimit]]) -> list[Problem]:
    problems = []
    for path, ulimits in by_path.items():
        nofile = ulimits.get("nofile")
        if nofile is not None and nofile.hard > NOFILE_MAX:
            why = f"above Linux's fs.nr_open {NOFILE_MAX}: the container would fail to start; use at most {NOFILE_MAX}"
            problems.append(Problem(f"{path}.nofile.hard", why, nofile.hard))
    return problems


def dependency_problems(
    sidecars: Mapping[str, SidecarConfig],
    *,
    main: str,
    main_depends_on: Mapping[str, str],
    main_health_check: HealthCheck | None,
    paths: Mapping[str, str],
    main_path: str,
) -> list[Problem]:
    """`depends_on` names known containers, with conditions ECS accepts, and no cycle."""
    graph: dict[str, Mapping[str, str]] = {main: main_depends_on, **{n: s.depends_on for n, s in sidecars.items()}}
    where = {main: f"{main_path}.depends_on", **{n: f"{paths[n]}.depends_on" for n in sidecars}}
    essential = {main: True, **{n: s.essential for n, s in sidecars.items()}}
    checked = {main: main_health_check, **{n: s.health_check for n, s in sidecars.items()}}
    problems = []
    for name, depends_on in graph.items():
        for target, condition in depends_on.items():
            at = f"{where[name]}.{target}"
            if target == name:
                problems.append(Problem(at, "a container cannot wait for itself", target))
            elif target not in graph:
                problems.append(Problem(at, f"no such container; containers: {', '.join(sorted(graph))}", target))
            elif condition in ("COMPLETE", "SUCCESS") and essential[target]:
                why = (
                    f"{condition} waits for {target} to exit, but it is essential (its exit stops the task); use START"
                )
                problems.append(Problem(at, why, condition))
            elif condition == "HEALTHY" and checked[target] is None:
                problems.append(
                    Problem(at, f"HEALTHY needs a health_check on {target}; set one or use START", condition)
                )
    cycle = _cycle({n: [t for t in d if t in graph and t != n] for n, d in graph.items()})
    if cycle:
        path = " -> ".join([*cycle, cycle[0]])
        problems.append(
            Problem(
                f"{where[cycle[0]]}.{cycle[1 % len(cycle)]}", f"a dependency cycle ({path}): no container could start"
            )
        )
    return problems


def _cycle(graph: Mapping[str, list[str]]) -> list[str]:
    """One cycle of `graph` (its nodes in order), or [] when it has none."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for target in graph[node]:
            if state.get(target) == 1:
                return stack[stack.index(target) :]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in graph:
        if node not in state and (found := visit(node)):
            return found
    return []
