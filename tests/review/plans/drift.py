"""Record `drift.json`, a real refresh-only plan (a one-off; run it again after a provider or Terraform
upgrade): the default example applied on moto, then changed by hand outside Terraform (`out_of_band.py`,
boto3: the treatment service scaled to 3 and retagged, an SSH ingress rule added to the control's
security group, an alarm deleted, a log group's retention shortened), then
`terraform plan -refresh-only -detailed-exitcode` and `terraform show -json` of it, trimmed (`record.py`):

    TF_PROVIDER_MIRROR=... .venv/bin/python -m tests.review.plans.drift

Needs the e2e virtualenv (`make e2e` builds it) and the terraform CLI, as the e2e tests do.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import yaml

from tests.helpers import DEFAULT_CONFIG, to_yaml
from tests.review.plans.record import HERE, trimmed
from tests.terraform.cycles import applied
from tests.terraform.moto import MotoServer, point_at_moto, rebind, seed_spec
from tests.terraform.stacks import synthesize_stacks
from tests.terraform.terraform_cli import Terraform

STACK = "feature-pipelines"
#: The detailed exit code of a refresh-only plan that finds drift.
DRIFTED = 2


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="drift-"))
    terraform = Terraform.configured(root, dict(os.environ))
    server = MotoServer(root / "moto.log")
    try:
        data = yaml.safe_load(DEFAULT_CONFIG.read_text())
        bound = rebind(data, server.seed(seed_spec(data)))
        stack = synthesize_stacks(to_yaml(bound), root / "cdktf.out")[STACK]
        point_at_moto(stack, server.endpoint)
        terraform.init(stack)
        terraform.run(stack, "apply", "-input=false", "-no-color", "-auto-approve")
        state = json.loads(terraform.run(stack, "show", "-json").stdout)
        groups = applied(state, "aws_security_group")
        server.run(
            "tests.review.plans.out_of_band",
            {
                "region": bound["region"],
                "cluster": STACK,
                "scaled_service": "news-encoder_treatment",
                "security_group": groups["aws_security_group.news-encoder_control"]["id"],
                "alarm": f"{STACK}_news-encoder_control_cpu",
                "log_group": f"/ecs/{STACK}/news-encoder/control",
            },
        )
        done = terraform.run(
            stack,
            "plan",
            "-refresh-only",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            "-out=tfplan",
            expect=(DRIFTED,),
        )
        plan = json.loads(terraform.run(stack, "show", "-json", "tfplan").stdout)
    finally:
        server.stop()
    document = {"head": "default", "exit_code": done.returncode, "plan": trimmed(plan)}
    (HERE / "drift.json").write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"wrote {HERE / 'drift.json'} ({len(document['plan']['resource_drift'])} drifted resources)")


if __name__ == "__main__":
    main()
