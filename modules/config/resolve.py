"""Resolve a validated Config into one flat, fully merged spec per variant.

A variant inherits every setting of its pipeline and may override any of them; the maps in
`model.MERGED` (`environment`, `secrets`, `sidecars`, ...) merge key by key. Cross-field rules
(Fargate sizes, image reference, capacity weights, containers) are checked here, after merging, and reported at the
path where the offending value was written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from . import aws_rules, data, fargate, images
from .adopt import Adoption, adopted_names, adoption_problems, cluster_name, resolve_adoption
from .arns import RepositoryRef, parse_repository_arn
from .autoscaling import autoscaling_problems
from .backend import BackendConfig, backend_problems
from .container import (
    HealthCheck,
    RestartPolicy,
    SidecarConfig,
    Ulimit,
    sidecar_problems,
    ulimit_problems,
)
from .deployment import DeploymentSpec, resolve_deployment, task_counts
from .errors import Problem
from .fingerprint import fingerprint
from .model import (
    DEFAULT_SETTINGS,
    INHERITED,
    MERGED,
    Config,
    ContainerSettings,
    EgressRule,
    ExecLoggingConfig,
    ExperimentConfig,
    PipelineConfig,
)
from .names import VariantNames
from .observability import ObservabilityConfig, ObservabilitySpec, resolve_observability
from .pricing import PricingConfig
from .terraform import TerraformConfig


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True)
class ContainerSpec:
    """A container of a variant's task, resolved: the main one or a sidecar (its container definition).

    Every container has a read-only root filesystem with a writable /tmp, logs to the variant's log
    group (awslogs) and is never privileged. The defaults are those of a setting left unset.
    """

    name: str
    image: str
    """`<repository URI>:<tag>` or `@<digest>` (an exported module's: a Terraform expression)."""
    log_group: str
    """The CloudWatch Logs group it writes to (awslogs)."""
    log_stream_prefix: str
    environment: Mapping[str, str] = field(default_factory=_empty)
    secrets: Mapping[str, str] = field(default_factory=_empty)
    """Name -> Secrets Manager or SSM parameter ARN."""
    entry_point: tuple[str, ...] | None = None
    """None: the image's ENTRYPOINT."""
    command: tuple[str, ...] | None = None
    """None: the image's CMD."""
    user: str | None = DEFAULT_SETTINGS.user
    """None: the image's USER."""
    stop_timeout: int | None = DEFAULT_SETTINGS.stop_timeout
    """None: ECS's 30 s."""
    essential: bool = True
    """True: the task stops when this container stops (the main container always is)."""
    health_check: HealthCheck | None = DEFAULT_SETTINGS.health_check
    """None: no health check (ECS knows only whether the process runs)."""
    restart_policy: RestartPolicy | None = DEFAULT_SETTINGS.restart_policy
    """None: no in-place restarts (an exited essential container stops the task)."""
    init_process_enabled: bool = DEFAULT_SETTINGS.init_process_enabled
    """True: an init process is PID 1 and forwards signals (SIGTERM) to the container's process."""
    ulimits: Mapping[str, Ulimit] = field(default_factory=lambda: MappingProxyType({}))
    """Name -> limits; none: Fargate's (nofile 65535/65535)."""
    depends_on: Mapping[str, str] = field(default_factory=_empty)
    """Container name -> condition it waits for (START, COMPLETE, SUCCESS, HEALTHY); none: starts at once."""
    cpu: float | None = None
    """vCPU reserved out of the task's; None: shares the task's CPU."""
    memory: float | None = None
    """GiB hard limit; None: no limit but the task's."""
    tmp_volume: str = "tmp"
    """The task volume mounted writable at /tmp: each container has its own."""
    repository_arn: str | None = None
    """The private ECR repository its image is pulled from (the execution role may); None: a public image."""


@dataclass(frozen=True)
class VariantSpec:
    """Everything one variant synthesizes from, merged and checked.

    `settings` holds every setting of `model.ContainerSettings` as merged for the variant (a key declared there
    reaches the constructs through it); the other fields are what resolution adds.
    """

    pipeline: str
    variant: str
    path: str
    names: VariantNames
    repository: RepositoryRef
    image: images.PinnedImage
    tags: Mapping[str, str]
    """The variant's own tags: its pipeline's and its own `tags`, then its pipeline's experiment's
    (`ExperimentConfig.tags`), `pipeline` and `variant`. Its resources carry them over the config's inherited
    ones (`Deployment.resource_tags`)."""
    settings: ContainerSettings = DEFAULT_SETTINGS
    """Merged: `egress` falls back to the network's, a disabled `autoscaling` or `restart_policy` is None,
    `sidecars` are in name order; `tags`, `observability` and `deployment` as written (resolved below)."""
    own_config: str = ""
    """Fingerprint of the variant's own block as written (`config.fingerprint`)."""
    pipeline_config: str = ""
    """Fingerprint of its pipeline's settings as written (without the variants)."""
    sources: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    observability: ObservabilitySpec | None = None
    """Alarms and dashboard entry (`config.observability`); None: off."""
    deployment: DeploymentSpec = field(default_factory=DeploymentSpec)
    """Healthy percents, deployment alarms, rollback, waiting (`config.deployment`)."""
    experiment: ExperimentConfig | None = None
    """The experiment its pipeline runs (`pipelines.<pipeline>.experiment`); None: none."""

    @property
    def exec_enabled(self) -> bool:
        """ECS Exec allowed into the variant's containers."""
        return self.settings.exec is not None and self.settings.exec.enabled

    @property
    def containers(self) -> tuple[ContainerSpec, ...]:
        """The task's containers: the main one (named after the pipeline), then the sidecars in name order, each
        resolved by `container_spec`."""
        settings = self.settings
        main = container_spec(
            self.names.container, settings, self.image, names=self.names, variant=self.variant, settings=settings
        )
        sidecars = (
            container_spec(
                name, sidecar, sidecar.pinned_image, names=self.names, variant=self.variant, settings=settings
            )
            for name, sidecar in settings.sidecars.items()
        )
        return (main, *sidecars)

    @property
    def address(self) -> str:
        """The Terraform name stem of this variant's resources, e.g. news-encoder_control."""
        return f"{self.pipeline}_{self.variant}"

    def source(self, key: str) -> str:
        """The dotted config path that sets `key` ('user', 'environment.NAME'; '' for the variant).

        Where a pipeline sets it, the pipeline's path; otherwise the variant's, which is also
        where a default would be overridden.
        """
        if not key:
            return self.path
        return self.sources.get(key, f"{self.path}.{key}")


def container_spec(
    name: str,
    container: ContainerSettings | SidecarConfig,
    image: images.PinnedImage,
    *,
    names: VariantNames,
    variant: str,
    settings: ContainerSettings,
) -> ContainerSpec:
    """The resolved container `name` of a variant (its merged `settings`): the main one (`container` is
    `settings`) or a sidecar (`container` is its block). Every container logs to the variant's log group, has
    its own /tmp and the variant's init process setting; the main container is essential and stops within
    `stop_timeout`, a sidecar is essential when it says so and may reserve cpu and memory."""
    sidecar = container if isinstance(container, SidecarConfig) else None
    return ContainerSpec(
        name=name,
        image=image.uri,
        repository_arn=image.repository_arn,
        log_group=names.log_group,
        log_stream_prefix=variant,
        environment=MappingProxyType(dict(container.environment)),
        secrets=MappingProxyType(dict(container.secrets)),
        entry_point=_tuple(container.entry_point),
        command=_tuple(container.command),
        user=container.user,
        health_check=container.health_check,
        restart_policy=_enabled(container.restart_policy),
        init_process_enabled=settings.init_process_enabled,
        ulimits=MappingProxyType(dict(container.ulimits)),
        depends_on=MappingProxyType(dict(container.depends_on)),
        stop_timeout=settings.stop_timeout if sidecar is None else None,
        essential=sidecar is None or sidecar.essential,
        cpu=sidecar.cpu if sidecar else None,
        memory=sidecar.memory if sidecar else None,
        tmp_volume=f"tmp-{name}" if sidecar else "tmp",
    )


@dataclass(frozen=True)
class Deployment:
    """A resolved config: what one stack synthesizes (one per environment, else one)."""

    stack: str
    project: str
    region: str
    cluster_name: str
    container_insights: str
    vpc_id: str
    subnet_ids: tuple[str, ...]
    tags: Mapping[str, str]
    variants: tuple[VariantSpec, ...] = field(default=())
    environment: str | None = None
    backend: BackendConfig = field(default_factory=BackendConfig)
    assume_role_arn: str | None = None
    pricing: PricingConfig = field(default_factory=PricingConfig)
    terraform: TerraformConfig = field(default_factory=TerraformConfig)
    exec_logging: ExecLoggingConfig = field(default_factory=ExecLoggingConfig)
    """The cluster's ECS Exec audit logging (used when a variant enables exec)."""
    adopt: Adoption = field(default_factory=Adoption)
    """Existing resources the stack imports (`config.adopt`); empty: it creates everything."""
    layout: str = "single"
    """`stacks:`: "single" (one stack, `stack`) or "per_pipeline" (`stack` shared, one stack per pipeline)."""

    def resource_tags(self, spec: VariantSpec) -> Mapping[str, str]:
        """The tags `spec`'s resources carry: the config's `tags` (also the provider's default tags), then the
        variant's own (`VariantSpec.tags`)."""
        return MappingProxyType({**self.tags, **spec.tags})

    @property
    def exec_enabled(self) -> bool:
        """Any variant allows ECS Exec: the cluster logs sessions."""
        return any(spec.exec_enabled for spec in self.variants)

    @property
    def split(self) -> bool:
        """The per_pipeline layout: a shared stack named `stack`, and `pipeline_stack(name)` per pipeline."""
        return self.layout == "per_pipeline"

    def pipeline_stack(self, pipeline: str) -> str:
        """The stack of one pipeline in the per_pipeline layout: `<stack>-<pipeline>` (names only)."""
        return f"{self.stack}-{pipeline}"

    def stack_names(self) -> list[str]:
        """Every stack this deployment synthesizes: `stack`, then (split) one per pipeline in config order."""
        return [self.stack, *(self.pipeline_stack(name) for name in self.pipelines())] if self.split else [self.stack]

    def for_pipeline(self, pipeline: str) -> Deployment:
        """This deployment with only `pipeline`'s variants and what it adopts of them (its own stack's part)."""
        variants = tuple(spec for spec in self.variants if spec.pipeline == pipeline)
        addresses = {spec.address for spec in variants}
        adopted = {address: found for address, found in self.adopt.variants.items() if address in addresses}
        adopt = replace(self.adopt, cluster=None, variants=MappingProxyType(adopted))
        return replace(self, stack=self.pipeline_stack(pipeline), variants=variants, adopt=adopt)

    def pipelines(self) -> dict[str, list[VariantSpec]]:
        """Variants grouped by pipeline, in config order."""
        grouped: dict[str, list[VariantSpec]] = {}
        for spec in self.variants:
            grouped.setdefault(spec.pipeline, []).append(spec)
        return grouped


def _merge(pipeline: ContainerSettings, variant: ContainerSettings) -> tuple[ContainerSettings, dict[str, str]]:
    """Merged settings and, per key, which level set it ('variant', 'pipeline' or 'default').

    A level sets what it wrote (`model_fields_set`); for the merged maps the levels of single
    entries are included too ('environment.NAME').
    """
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for key in INHERITED:
        layers = [("default", getattr(DEFAULT_SETTINGS, key))] + [
            (level, getattr(settings, key))
            for level, settings in (("pipeline", pipeline), ("variant", variant))
            if key in settings.model_fields_set
        ]
        if key in MERGED:
            values[key] = {k: v for _, layer in layers if layer for k, v in layer.items()}
            origin[key] = next((lvl for lvl, layer in reversed(layers) if layer), "default")
            origin.update({f"{key}.{k}": lvl for lvl, layer in layers if layer for k in layer})
        else:
            origin[key], values[key] = layers[-1]
    return ContainerSettings.model_construct(**values), origin


def _image_problems(
    pipeline: ContainerSettings, variant: ContainerSettings, paths: dict[str, str]
) -> tuple[dict[str, str | None], list[Problem]]:
    """The image reference (tag or digest), taken whole from the nearest level that sets one."""
    for level, settings in (("variant", variant), ("pipeline", pipeline)):
        tag, digest = settings.image_tag, settings.image_digest
        if both := images.pin_problems(tag, digest, paths[level]):
            return {}, both
        if tag or digest:
            return {"image_tag": tag, "image_digest": digest}, []
    return {}, [
        Problem(
            f"{paths['variant']}.image_tag",
            "no image: set image_tag or image_digest (sha256:...) on the variant or its pipeline",
        )
    ]


@dataclass(frozen=True)
class MergedVariant:
    """One variant's merged settings as the cross-field checks see them.

    `values`: every inherited setting after merging (`egress` falls back to the network's; a disabled
    `autoscaling` or `restart_policy` is None); `origin`: the level that set each key
    ('variant', 'pipeline' or 'default'; map entries as 'environment.NAME'); `paths`: the dotted
    config path of each level; `tags`: every tag its resources carry (global, own, pipeline, variant).
    """

    values: ContainerSettings
    origin: Mapping[str, str]
    paths: Mapping[str, str]
    tags: Mapping[str, str]

    def path(self, key: str) -> str:
        """Where `key` was set (a default: where the pipeline would set it)."""
        return f"{self.paths[self.origin[key]]}.{key}"

    def nearest(self, *keys: str) -> str:
        """The path of the variant when it sets any of `keys`, else the pipeline's."""
        return self.paths["variant" if "variant" in (self.origin[key] for key in keys) else "pipeline"]


def repository_set(merged: MergedVariant) -> list[Problem]:
    """The variant or its pipeline names an ECR repository."""
    if merged.values.repository_arn is not None:
        return []
    why = "no ECR repository: set repository_arn on the pipeline or the variant"
    return [Problem(f"{merged.paths['variant']}.repository_arn", why)]


def fits_fargate(merged: MergedVariant) -> list[Problem]:
    """cpu and memory, wherever each was set, are a Fargate size."""
    size = fargate.size_problem(merged.values.cpu, merged.values.memory)
    if not size:
        return []
    key, why = size
    return [Problem(f"{merged.nearest('cpu', 'memory')}.{key}", why, getattr(merged.values, key))]


def capacity_weights(merged: MergedVariant) -> list[Problem]:
    """At least one capacity provider gets tasks."""
    if merged.values.fargate_weight + merged.values.fargate_spot_weight > 0:
        return []
    why = "fargate_weight and fargate_spot_weight are both 0; set one of them above 0"
    return [Problem(f"{merged.nearest('fargate_weight', 'fargate_spot_weight')}.fargate_spot_weight", why)]


def kms_keys_have_secrets(merged: MergedVariant) -> list[Problem]:
    """Secrets KMS keys only with secrets to decrypt (least privilege), the main container's or a sidecar's."""
    has_secrets = merged.values.secrets or any(s.secrets for s in merged.values.sidecars.values())
    if not merged.values.secrets_kms_key_arns or has_secrets:
        return []
    why = "no secrets to decrypt: the variant has no secrets; remove it (least privilege)"
    return [Problem(merged.path("secrets_kms_key_arns"), why)]


def environment_apart_from_secrets(merged: MergedVariant) -> list[Problem]:
    """No name is both a plain environment variable and a secret."""
    overlap = sorted(set(merged.values.environment) & set(merged.values.secrets))
    if not overlap:
        return []
    why = "names set both as environment and as secrets; keep each in one place"
    return [Problem(merged.path("secrets"), why, overlap)]


def tags_within_limit(merged: MergedVariant) -> list[Problem]:
    """At most 50 tags per resource (the AWS limit), counting every level's."""
    if len(merged.tags) <= 50:
        return []
    why = "over 50 tags on a resource (the AWS limit), counting global and pipeline/variant tags"
    return [Problem(merged.path("tags"), why, len(merged.tags))]


def fargate_base_fits(merged: MergedVariant) -> list[Problem]:
    """The on-demand floor is at most the tasks the service may run (else the weights never apply)."""
    base, counts = (
        merged.values.fargate_base,
        task_counts(merged.values.desired_count, merged.values.autoscaling),
    )
    most = counts[-1]
    if base <= most:
        return []
    what = "autoscaling.max" if merged.values.autoscaling is not None else "desired_count"
    why = f"more than the variant's {most} task(s) ({what}); use 0-{most}"
    return [Problem(merged.path("fargate_base"), why, base)]


def autoscaling_settings(merged: MergedVariant) -> list[Problem]:
    """Autoscaling, when on, is consistent (`autoscaling.autoscaling_problems`)."""
    if merged.values.autoscaling is None:
        return []
    return autoscaling_problems(merged.values.autoscaling, merged.path("autoscaling"))


def containers(merged: MergedVariant) -> list[Problem]:
    """The main container's ulimits, and the sidecars: names, images, shares of the task size,
    dependencies (`container.sidecar_problems`)."""
    values = merged.values
    sidecars = values.sidecars
    paths = {name: merged.path(f"sidecars.{name}") for name in sidecars}
    return ulimit_problems(values.ulimits, merged.path("ulimits")) + sidecar_problems(
        sidecars,
        main=merged.paths["variant"].split(".")[1],  # the main container is named after its pipeline
        main_depends_on=values.depends_on,
        main_health_check=values.health_check,
        cpu=values.cpu,
        memory=values.memory,
        paths=paths,
        main_path=merged.path("depends_on").removesuffix(".depends_on"),
    )


#: The cross-field checks of a merged variant, in the order their problems are reported.
CROSS_FIELD_CHECKS = (
    repository_set,
    fits_fargate,
    capacity_weights,
    kms_keys_have_secrets,
    environment_apart_from_secrets,
    tags_within_limit,
    autoscaling_settings,
    containers,
    fargate_base_fits,
    data.environment_not_set_twice,
)


def resolve_pipeline(
    name: str,
    pipeline: PipelineConfig,
    *,
    cluster_name: str,
    region: str,
    tags: Mapping[str, str],
    network_egress: Sequence[EgressRule] = (),
    observability: ObservabilityConfig | None = None,
    exec_logging: ExecLoggingConfig | None = None,
    region_known: bool = True,
) -> tuple[list[VariantSpec], list[Problem]]:
    """Merge each variant of one pipeline and check the cross-field rules (`CROSS_FIELD_CHECKS`) and AWS's
    own (`aws_rules.AWS_RULES`).

    `egress` left unset on the variant and its pipeline falls back to `network_egress`. `region_known`
    False: `region` stands in for an invalid one, so no rule compares with it.
    """
    problems: list[Problem] = []
    specs: list[VariantSpec] = []
    for variant_name, variant in pipeline.variants.items():
        paths = {"pipeline": f"pipelines.{name}", "variant": f"pipelines.{name}.variants.{variant_name}"}
        paths["default"] = paths["pipeline"]
        values, origin = _merge(pipeline, variant)
        values = values.model_copy(
            update={
                "egress": list(network_egress) if values.egress is None else values.egress,
                "autoscaling": values.autoscaling if values.autoscaling and values.autoscaling.enabled else None,
                "restart_policy": _enabled(values.restart_policy),
            }
        )
        if values.input is not None:  # a signal naming no queue or stream: the variant's own input
            own = data.with_own_input(values.autoscaling, values.input, cluster_name, name, variant_name)
            values = values.model_copy(update={"autoscaling": own})
        experiment_tags = pipeline.experiment.tags if pipeline.experiment else {}
        own_tags = {**values.tags, **experiment_tags, "pipeline": name, "variant": variant_name}
        all_tags = {**tags, **own_tags}
        image, found = _image_problems(pipeline, variant, paths)
        merged = MergedVariant(values, origin, paths, all_tags)
        found += [problem for check in CROSS_FIELD_CHECKS for problem in check(merged)]
        layers = [
            ("observability", observability),
            (f"{paths['pipeline']}.observability", pipeline.observability),
            (f"{paths['variant']}.observability", variant.observability),
        ]
        found += aws_rules.problems(aws_rules.Subject(merged, region if region_known else None, layers, exec_logging))
        observed_spec, observed = resolve_observability(layers, region=region, autoscaling=values.autoscaling)
        found += observed
        deployment, deployed = resolve_deployment(
            [
                (f"{paths['pipeline']}.deployment", pipeline.deployment),
                (f"{paths['variant']}.deployment", variant.deployment),
            ],
            observability=observed_spec,
            desired_count=values.desired_count,
            autoscaling=values.autoscaling,
        )
        found += deployed
        problems += [problem for problem in found if problem not in problems]
        if not found:
            sources = {key: f"{paths[level]}.{key}" for key, level in origin.items() if level != "default"}
            names = VariantNames.of(cluster_name, name, variant_name, region)
            spec = _spec(
                name, variant_name, paths["variant"], names, values, image, own_tags, sources, observed_spec, deployment
            )
            own, shared = fingerprint(variant), fingerprint(pipeline, exclude=frozenset({"variants"}))
            specs.append(replace(spec, own_config=own, pipeline_config=shared, experiment=pipeline.experiment))
    if not problems:
        problems += aws_rules.dashboard_fits(name, specs)
    return specs, problems


def _spec(
    pipeline: str,
    variant: str,
    path: str,
    names: VariantNames,
    values: ContainerSettings,
    image: dict[str, str | None],
    tags: dict[str, str],
    sources: dict[str, str],
    observability: ObservabilitySpec | None,
    deployment: DeploymentSpec,
) -> VariantSpec:
    repository = parse_repository_arn(values.repository_arn)
    return VariantSpec(
        pipeline=pipeline,
        variant=variant,
        path=path,
        names=names,
        repository=repository,
        image=images.PinnedImage.in_repository(repository, tag=image["image_tag"], digest=image["image_digest"]),
        tags=MappingProxyType(tags),
        settings=values.model_copy(update={"sidecars": dict(sorted(values.sidecars.items()))}),
        sources=MappingProxyType(sources),
        observability=observability,
        deployment=deployment,
    )


def resolve(config: Config, *, environment: str | None = None) -> tuple[Deployment, list[Problem]]:
    """Resolve every pipeline of a schema-valid config; problems of all pipelines together.

    The stack is named after the environment, or after the project when there is none.
    """
    problems: list[Problem] = backend_problems(config.backend)
    specs: list[VariantSpec] = []
    cluster = cluster_name(config.cluster_name, config.adopt)
    for name, pipeline in config.pipelines.items():
        found_specs, found = resolve_pipeline(
            name,
            pipeline,
            cluster_name=cluster,
            region=config.region,
            tags=config.tags,
            network_egress=config.network.egress,
            observability=config.observability,
            exec_logging=config.cluster.exec_logging,
        )
        specs += found_specs
        problems += [problem for problem in found if problem not in problems]  # a top-level value's, once
    problems += data.shared_queue_problems([use for spec in specs for use in _queue_uses(spec, cluster)])
    specs, adoption, found = _adopt(config, specs)
    problems += found
    deployment = Deployment(
        stack=environment or config.project,
        project=config.project,
        region=config.region,
        cluster_name=cluster,
        container_insights=config.cluster.container_insights,
        vpc_id=config.network.vpc_id,
        subnet_ids=tuple(config.network.subnet_ids),
        tags=MappingProxyType(dict(config.tags)),
        variants=tuple(specs),
        environment=environment,
        backend=config.backend,
        assume_role_arn=config.assume_role_arn,
        pricing=config.pricing,
        terraform=config.terraform,
        exec_logging=config.cluster.exec_logging,
        adopt=adoption,
        layout=config.stacks,
    )
    return deployment, problems


def _adopt(config: Config, specs: list[VariantSpec]) -> tuple[list[VariantSpec], Adoption, list[Problem]]:
    """`config.adopt` checked (`adopt.adoption_problems`), and the specs with the adopted names."""
    by_key = {(spec.pipeline, spec.variant): spec for spec in specs}
    settings = {
        (pipeline, variant): {
            key: getattr(by_key[(pipeline, variant)].settings, key) if (pipeline, variant) in by_key else 0
            for key in ("fargate_spot_weight", "fargate_base")
        }
        for pipeline, entry in config.pipelines.items()
        for variant in entry.variants
    }
    problems = adoption_problems(
        config.adopt,
        cluster_name=config.cluster_name,
        cluster_name_set=config.cluster.name is not None,
        variants=settings,
    )
    adopted = {(p, v): item for p, entry in config.adopt.pipelines.items() for v, item in entry.variants.items()}
    specs = [
        replace(spec, names=adopted_names(spec.names, adopted[key])) if key in adopted else spec
        for spec in specs
        for key in [(spec.pipeline, spec.variant)]
    ]
    adoption = resolve_adoption(config.adopt, {(spec.pipeline, spec.variant): spec.address for spec in specs})
    return specs, adoption, problems


def _queue_uses(spec: VariantSpec, cluster: str) -> list[data.QueueUse]:
    own = data.own_queue(spec.settings.input, cluster, spec.pipeline, spec.variant) if spec.settings.input else None
    return data.queue_uses(f"{spec.pipeline}/{spec.variant}", spec.settings.autoscaling, own, spec.source)


def _enabled(policy: RestartPolicy | None) -> RestartPolicy | None:
    return policy if policy is not None and policy.enabled else None


def _tuple(value: list[str] | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(value)
