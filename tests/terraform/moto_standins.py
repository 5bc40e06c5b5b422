"""Stand-ins for what moto 5.2 gets wrong about the AWS APIs our stacks use: every one in this module.

Each closes one gap between moto and real AWS (cited from the AWS API reference) that would make a
correct configuration look wrong to Terraform; nothing here changes what the tests assert about our
output. Runs inside the moto server process (`tests.terraform.moto_server`), which imports moto.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.core.responses import BaseResponse
from moto.core.serialize import never_return
from moto.ecs.models import Service
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.kinesis.responses import KinesisResponse
from moto.sqs.models import Queue

#: CreateService parameters moto accepts but drops, and the Service attribute each is read back from
#: (moto's serializer reads `botocore.xform_name` of the API member name).
ECS_SERVICE_KEPT = {
    "capacityProviderStrategy": "capacity_provider_strategy",
    "enableECSManagedTags": "enable_ecs_managed_tags",
    "availabilityZoneRebalancing": "availability_zone_rebalancing",
    "deploymentConfiguration": "deployment_configuration",
    "enableExecuteCommand": "enable_execute_command",
}


def keep_service_settings(service: Service, params: dict[str, Any]) -> None:
    """Keep what CreateService/UpdateService were given that DescribeServices must return.

    Real ECS returns `capacityProviderStrategy`, `enableECSManagedTags`, `availabilityZoneRebalancing`,
    `deploymentConfiguration` (percents, circuit breaker, alarms) and `enableExecuteCommand` as set
    (API_Service.html), and omits `launchType` for a service created with a
    capacity provider strategy ("launchType ... this field is omitted if the service was created
    using a capacity provider strategy"): https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html
    (and API_CreateService.html: launchType and capacityProviderStrategy are mutually exclusive).
    moto drops them and reports launchType EC2, so every re-plan would replace every service.
    """
    for member, attribute in ECS_SERVICE_KEPT.items():
        if member in params:
            setattr(service, attribute, params[member])
    if params.get("capacityProviderStrategy"):
        service.launch_type = None
        for deployment in service.deployments:
            deployment["launchType"] = None
            deployment["capacityProviderStrategy"] = params["capacityProviderStrategy"]
            deployment["platformFamily"] = "FARGATE"


def reach_steady_state(service: Service) -> None:
    """The service's tasks run: what Fargate does once it has started the desired tasks.

    moto starts no task, so a service stays at runningCount 0 with its deployment IN_PROGRESS, and
    `wait_for_steady_state` would wait until its timeout. Real ECS reports, once the tasks run, one
    PRIMARY deployment with runningCount = desiredCount, pendingCount 0 and rolloutState COMPLETED
    (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html: "COMPLETED: the
    deployment has completed successfully ... when the service reaches a steady state"; API_Service.html:
    runningCount, pendingCount). A service whose tasks fail never gets here on real ECS; our tests
    deploy no image, so this is the only way moto can answer what a healthy rollout answers.
    """
    service.running_count, service.pending_count = service.desired_count, 0
    for deployment in service.deployments:
        deployment.update(
            desiredCount=service.desired_count,
            runningCount=service.desired_count,
            pendingCount=0,
            rolloutState="COMPLETED",
            rolloutStateReason=f"ECS deployment {deployment['id']} completed.",
        )


def _after(method: Callable[..., Any], then: Callable[[Any], None]) -> Callable[..., Any]:
    def wrapped(self: Any) -> Any:
        result = method(self)
        then(self)
        return result

    return wrapped


def _ecs_service_of(response: EC2ContainerServiceResponse) -> Service:
    service = response._get_param("serviceName") or response._get_param("service")
    return response.ecs_backend._get_service(response._get_param("cluster", "default"), service.split("/")[-1])


def _keep_ecs(response: EC2ContainerServiceResponse) -> None:
    service = _ecs_service_of(response)
    keep_service_settings(service, response._get_params())
    reach_steady_state(service)


# Application Auto Scaling tags. https://docs.aws.amazon.com/autoscaling/application/APIReference/
# API_RegisterScalableTarget.html takes `Tags`; API_ListTagsForResource.html answers {"Tags": {...}} for
# a scalable target's ARN; API_TagResource.html / API_UntagResource.html add and remove tags and answer
# {}; an unknown ARN is a ResourceNotFoundException. moto has none of the three actions (HTTP 500, which
# the provider retries for many minutes) and ignores `Tags`.


def _tags(backend: ApplicationAutoscalingBackend) -> dict[str, dict[str, str]]:
    """Tags by scalable target ARN, kept on the backend (one per account and region)."""
    if not hasattr(backend, "standin_tags"):
        backend.standin_tags = {}
    return backend.standin_tags


def _target_arns(backend: ApplicationAutoscalingBackend) -> set[str]:
    return {target.arn for by_resource in backend.targets.values() for target in by_resource.values()}


def _register_tags(response: ApplicationAutoScalingResponse) -> None:
    backend = response.applicationautoscaling_backend
    target = backend.targets[response._get_param("ScalableDimension")][response._get_param("ResourceId")]
    _tags(backend).setdefault(target.arn, {}).update(response._get_param("Tags") or {})


def _known(response: ApplicationAutoScalingResponse) -> tuple[dict[str, str] | None, str | tuple[int, dict, str]]:
    """The tags of the request's ResourceARN, or None and the ResourceNotFoundException answer."""
    backend = response.applicationautoscaling_backend
    arn = response._get_param("ResourceARN")
    if arn not in _target_arns(backend):
        body = json.dumps({"__type": "ResourceNotFoundException", "Message": f"No scalable target found for {arn}"})
        return None, (400, {}, body)
    return _tags(backend).setdefault(arn, {}), ""


def list_tags_for_resource(self: ApplicationAutoScalingResponse) -> str | tuple[int, dict, str]:
    tags, error = _known(self)
    return error if tags is None else json.dumps({"Tags": tags})


def tag_resource(self: ApplicationAutoScalingResponse) -> str | tuple[int, dict, str]:
    tags, error = _known(self)
    if tags is None:
        return error
    tags.update(self._get_param("Tags") or {})
    return json.dumps({})


def untag_resource(self: ApplicationAutoScalingResponse) -> str | tuple[int, dict, str]:
    tags, error = _known(self)
    if tags is None:
        return error
    for key in self._get_param("TagKeys") or []:
        tags.pop(key, None)
    return json.dumps({})


def compact_redrive_policy(queue: Queue) -> dict[str, Any]:
    """GetQueueAttributes answers `RedrivePolicy` as compact JSON, as SetQueueAttributes was given it.

    The provider stores the attribute as SQS returns it (internal/service/sqs/queue.go: no diff
    suppression on `redrive_policy`), and its acceptance tests, whose every step requires an empty plan
    after apply, write the policy with `jsonencode` (compact), so real SQS returns it compact. moto
    answers `json.dumps` with spaces, which every re-plan shows as a "whitespace changes" update.
    """
    attributes = _QUEUE_ATTRIBUTES(queue)
    if "RedrivePolicy" in attributes:
        attributes["RedrivePolicy"] = json.dumps(queue.redrive_policy, separators=(",", ":"))
    return attributes


_QUEUE_ATTRIBUTES: Callable[[Queue], dict[str, Any]] = Queue.attributes.fget  # type: ignore[attr-defined]


def kinesis_resource(response: KinesisResponse) -> str:
    """The ARN IAM authorizes a Kinesis call on: the consumer's for a call naming one (DescribeStreamConsumer,
    SubscribeToShard: resource type `consumer`), else the stream's (ListShards, DescribeStreamSummary: `stream`).

    https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonkinesisdatastreams.html
    moto authorizes every Kinesis call on "*" (its KinesisResponse has no `_determine_resource`, which
    SQS's has), so with IAM enforced a grant scoped to a stream or consumer, as real AWS expects, would
    allow nothing. Only read while moto enforces IAM (tests/terraform/moto_grants.py).
    """
    if consumer := response._get_param("ConsumerARN"):
        return str(consumer)
    if stream := response._get_param("StreamARN"):
        return str(stream)
    if name := response._get_param("StreamName"):
        return f"arn:aws:kinesis:{response.region}:{response.current_account}:stream/{name}"
    return "*"


def _transform_in_this_response(response: BaseResponse, path: str, transform: Callable[[Any], Any]) -> None:
    """Whether this response includes `path` (e.g. DescribeServices' tags, only with `include: [TAGS]`).

    moto keeps that choice in a dict of the response class, which every request's handler writes: its
    server answers requests in threads, so a DescribeServices without TAGS (the provider polling a service
    towards steady state) could drop the tags from one asked with TAGS at the same moment (a service read
    back after create), and the state after apply missed tags ECS holds. Each request's own copy answers
    as real ECS does: what that request asked for (API_DescribeServices.html, `include`).
    """
    own = vars(response).setdefault(
        "RESPONSE_KEY_PATH_TO_TRANSFORMER", dict(type(response).RESPONSE_KEY_PATH_TO_TRANSFORMER)
    )
    own[path] = transform


def install() -> None:
    """Patch moto's response handlers in this process (before the server starts)."""
    BaseResponse._include_in_response = lambda self, path: _transform_in_this_response(self, path, lambda x: x)  # type: ignore[method-assign]
    BaseResponse._exclude_from_response = lambda self, path: _transform_in_this_response(self, path, never_return)  # type: ignore[method-assign]
    EC2ContainerServiceResponse.create_service = _after(EC2ContainerServiceResponse.create_service, _keep_ecs)
    EC2ContainerServiceResponse.update_service = _after(EC2ContainerServiceResponse.update_service, _keep_ecs)
    ApplicationAutoScalingResponse.register_scalable_target = _after(
        ApplicationAutoScalingResponse.register_scalable_target, _register_tags
    )
    ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource
    ApplicationAutoScalingResponse.tag_resource = tag_resource
    ApplicationAutoScalingResponse.untag_resource = untag_resource
    KinesisResponse._determine_resource = kinesis_resource  # type: ignore[attr-defined]
    Queue.attributes = property(compact_redrive_policy)  # type: ignore[method-assign,assignment]
