"""checkov, the scanner security teams run, over synthesized stacks: zero failed checks.

One checkov run covers several stacks (it takes a few seconds); results are told apart by file. The runs
start at the end of collection, beside the in-process tests (tests/terraform/background.py).
"""

import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from modules.policy import checkov
from tests.helpers import ROOT, default_data, run, synth
from tests.terraform import background

#: The folder of the scan holding a stack checkov cannot parse (its `required_version`, checkov issue #7454).
RAW = "raw"
KMS_KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"


def options_data():
    """Every optional feature on: KMS-encrypted logs, arm64, Spot, SSM secret, task policy, a 2nd pipeline."""
    data = default_data()
    pipeline = data["pipelines"]["news-encoder"]
    pipeline["log_kms_key_arn"] = KMS_KEY
    pipeline["secrets"]["PARAM"] = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/news/param"
    pipeline["variants"]["treatment"].update(architecture="arm64", ephemeral_storage=50)
    pipeline["variants"]["control"]["task_role_policy_arns"] = ["arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess"]
    pipeline["variants"]["control"]["fargate_spot_weight"] = 3  # Spot on x86_64: arm64 tasks never run on it
    data["pipelines"]["ranker"] = {
        "repository_arn": "arn:aws:ecr:ap-northeast-1:123456789012:repository/ranker",
        "image_digest": "sha256:" + "ab" * 32,
        "user": "2000",
        "log_kms_key_arn": KMS_KEY,
        "log_retention_days": 731,
        "variants": {"control": {}},
    }
    return data


def broken_stack():
    """The default stack with what checkov should catch: no retention, a public IP, open SSH."""
    stack = synth(default_data())
    resources = stack["resource"]
    resources["aws_cloudwatch_log_group"]["news-encoder_control"].pop("retention_in_days")
    resources["aws_ecs_service"]["news-encoder_control"]["network_configuration"]["assign_public_ip"] = True
    resources["aws_security_group"]["news-encoder_control"]["ingress"] = [
        {"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"], "description": "ssh"}
    ]
    return stack


def write(path: Path, stack) -> None:
    path.mkdir(parents=True)
    (path / "cdk.tf.json").write_text(json.dumps(stack, indent=2))


def prepare(_terraform, root: Path) -> dict:
    """The stacks synthesized into `root` (here: the jsii kernel serves one thread); the checkov runs as jobs
    (tests/terraform/background.py starts them beside the in-process tests)."""
    assert run("synth", "--out", str(root / "default")).returncode == 0  # its output captured: at collection
    assert run("module", "--out", str(root / "module"), "--format", "json").returncode == 0  # checkov: *.tf.json
    assert (
        run("synth", "--config", str(ROOT / "examples" / "environments.yaml"), "--out", str(root / "envs")).returncode
        == 0
    )
    write(root / "options", synth(options_data()))
    write(root / "ab-data", synth(yaml.safe_load((ROOT / "examples" / "ab-data.yaml").read_text())))
    write(root / "broken", broken_stack())
    versioned = synth(default_data())
    versioned["terraform"]["required_version"] = ">= 1.5.0"
    write(root / "versioned", versioned)
    # One checkov process (its start alone costs seconds) for both: what `checkov.scan` hands checkov (prepared
    # copies of every stack) and, in raw/, the versioned stack as written (required_version kept).
    scanned = root.parent / (root.name + "-scanned")
    checkov.prepare(root, scanned)
    shutil.copytree(root / "versioned", scanned / RAW)
    return {"scan": lambda: (scanned, checkov.run_checkov(scanned, list(checkov.load_skips())))}


background.register(__name__, prepare, needs_terraform=False)


@pytest.fixture(scope="module")
def runs():
    found = background.outcomes(__name__)
    for outcome in found.values():
        if isinstance(outcome, BaseException):
            raise outcome
    return found


@pytest.fixture(scope="module")
def scanned(runs):
    return runs["scan"]


def of(checks, folder: str) -> set[str]:
    return {c.check_id for c in checks if c.file.startswith(f"{folder}/")}


@pytest.mark.parametrize("folder", ["default", "module"], ids=["default example", "exported module"])
def test_zero_failed_checks_and_every_listed_skip_is_needed(scanned, folder):
    _, result = scanned
    assert [error for error in result.parsing_errors if f"/{RAW}/" not in error] == []
    assert of(result.failed, folder) == set()
    assert len(of(result.passed, folder)) >= 20
    # Each skip must still be needed: a skip that no longer fails is stale.
    assert of(result.skipped, folder) == set(checkov.load_skips())


def test_every_stack_of_every_environment_has_zero_failed_checks(scanned):
    _, result = scanned
    stacks = {c.file.split("/")[2] for c in result.passed if c.file.startswith("envs/")}
    assert stacks == {"dev", "stg", "prd"}
    assert of(result.failed, "envs") == set()


def test_every_option_passes_and_a_kms_key_satisfies_the_kms_check(scanned):
    _, result = scanned
    assert of(result.failed, "options") == set()
    assert of(result.skipped, "options") == set()
    assert "CKV_AWS_158" in of(result.passed, "options")


def test_the_variants_own_queues_and_data_grants_pass_and_are_judged(scanned):
    """examples/ab-data.yaml: encrypted queues (CKV_AWS_27), queue policies for one principal (CKV_AWS_72,
    CKV_AWS_168), grants without a wildcard resource (CKV_AWS_62/63), and no skip is needed beyond the default's."""
    _, result = scanned
    assert of(result.failed, "ab-data") == set()
    judged = {(c.check_id, c.resource.rsplit(".", 1)[1]) for c in result.passed if c.file.startswith("ab-data/")}
    for variant in ("control", "treatment"):
        assert {
            ("CKV_AWS_27", f"news-encoder_{variant}_input_dlq"),
            ("CKV_AWS_72", f"news-encoder_{variant}_input"),
        } <= judged
        assert ("CKV_AWS_62", f"news-encoder_{variant}_task_data") in judged


def test_checkov_catches_what_it_should(scanned):
    _, result = scanned
    assert {"CKV_AWS_66", "CKV_AWS_333", "CKV_AWS_24", "CKV_AWS_338"} <= of(result.failed, "broken")


def test_required_version_does_not_hide_the_stack_from_checkov(scanned):
    """checkov issue #7454: the prepared copy drops required_version, so the stack is really scanned."""
    _, result = scanned
    assert of(result.passed, "versioned") == of(result.passed, "default")


def test_a_parsing_error_is_never_a_pass(scanned):
    """The stack as written (raw/) does not parse: it has no passed check, and the scan is not ok for it though
    every other stack passes."""
    _, result = scanned
    assert [error for error in result.parsing_errors if f"/{RAW}/" in error]
    assert not of(result.passed, RAW) and of(result.passed, "versioned")
    assert not result.ok
    assert not checkov.ScanResult(passed=result.passed, failed=(), skipped=(), parsing_errors=("x",)).ok
    assert checkov.ScanResult(passed=result.passed, failed=(), skipped=(), parsing_errors=()).ok


def test_skips_file_lists_each_skip_with_a_reason(tmp_path):
    assert all(len(reason.split()) >= 5 for reason in checkov.load_skips().values())
    bad = tmp_path / "skips.yaml"
    bad.write_text("CKV_AWS_158: ''\n")
    with pytest.raises(ValueError, match="needs a written reason"):
        checkov.load_skips(bad)
    bad.write_text("not-an-id: because\n")
    with pytest.raises(ValueError, match="not a checkov check id"):
        checkov.load_skips(bad)


FAKE_CHECKOV = """#!{python}
import json, pathlib, sys
scanned = pathlib.Path(sys.argv[sys.argv.index("-d") + 1])
files = sorted(scanned.rglob("*.tf.json"))
checks = [
    {{"check_id": "CKV_AWS_1", "resource": "r", "file_path": "/" + str(f.relative_to(scanned))}}
    for f in files
    if "required_version" not in json.loads(f.read_text()).get("terraform", {{}})
]
print(json.dumps({{"results": {{"passed_checks": checks}}}}))
"""


def test_scan_hands_checkov_copies_of_every_stack_without_required_version(tmp_path):
    """`checkov.scan` (`make scan`): what the real runs above are handed, every file found below the output,
    required_version dropped from the copies (checkov issue #7454) and the output left as written."""
    fake = tmp_path / "checkov"
    fake.write_text(FAKE_CHECKOV.format(python=sys.executable))
    fake.chmod(0o755)
    versioned = synth(default_data())
    versioned["terraform"]["required_version"] = ">= 1.5.0"
    write(tmp_path / "out" / "stacks" / "a", versioned)
    write(tmp_path / "out" / "module", synth(default_data()))
    before = (tmp_path / "out" / "stacks" / "a" / "cdk.tf.json").read_text()
    result = checkov.scan(tmp_path / "out", [], checkov=fake)
    assert {c.file for c in result.passed} == {"stacks/a/cdk.tf.json", "module/cdk.tf.json"}
    assert result.ok
    assert (tmp_path / "out" / "stacks" / "a" / "cdk.tf.json").read_text() == before
