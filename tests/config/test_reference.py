"""docs/configuration.md's reference is generated from the config models and stays in step with them."""

from __future__ import annotations

import inspect
import re
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, Field

from modules.config import autoscaling, backend, model, pricing, reference, terraform
from modules.config.deployment import DeploymentConfig
from modules.config.observability import ObservabilityConfig
from modules.config.strict import Layered, inherited

FIX = "docs/configuration.md is out of date with the config models: run `python -m modules.config.reference --write`"


def _documented() -> str:
    return reference.generated_part(reference.DOCUMENT.read_text())


def _tables(text: str) -> dict[str, dict[str, list[str]]]:
    """Per `### heading`: key column -> the row's cells."""
    tables: dict[str, dict[str, list[str]]] = {}
    heading = ""
    for line in text.splitlines():
        if line.startswith("### "):
            heading = line[4:]
            tables[heading] = {}
        elif line.startswith("| `") and heading:
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
            tables[heading][cells[0].strip("`")] = cells
    return tables


def _models() -> list[type[BaseModel]]:
    """Every public pydantic model the config modules define (found here, not by the generator's walk)."""
    return [
        value
        for module in (model, autoscaling, backend, pricing, terraform)
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and issubclass(value, BaseModel)
        and value.__module__ == module.__name__
        and not name.startswith("_")
    ]


def test_docs_match_what_the_models_generate() -> None:
    assert _documented() == reference.render(), FIX


def test_every_field_of_every_model_has_a_row() -> None:
    tables = _tables(_documented())
    for config_model in _models():
        fields = set(config_model.model_fields)
        holders = [title for title, rows in tables.items() if fields <= {key.rsplit(".", 1)[-1] for key in rows}]
        assert holders, f"{config_model.__name__}: no table lists all of {sorted(fields)}; {FIX}"


def test_every_default_of_a_layered_setting_is_documented_with_what_it_means() -> None:
    """Pipeline and variant settings, observability and deployment: the declared default, and its `unset`."""
    tables = _tables(_documented())
    layered = [section for section in reference.sections() if issubclass(section.model, Layered)]
    assert {section.model for section in layered} >= {model.PipelineConfig, ObservabilityConfig, DeploymentConfig}
    for section in layered:
        rows = tables[section.title]
        for key, field in section.model.model_fields.items():
            if field.is_required():
                continue
            value, note = field.get_default(call_default_factory=True), inherited(field).unset
            default = rows[f"{section.prefix}{key}"][2]
            if value is None:
                assert default == (note or "unset"), key
            else:
                assert default.startswith(reference.literal(value).replace("|", "\\|")), key
                assert default.endswith(f"({note})" if note else "`"), key


def test_defaults_read_as_users_write_them() -> None:
    rows = _tables(_documented())["`pipelines.<pipeline>`"]
    assert rows["pipelines.<pipeline>.cpu"][2] == "`1`"
    assert rows["pipelines.<pipeline>.entry_point"][2] == "the image's ENTRYPOINT"
    assert rows["pipelines.<pipeline>.repository_arn"][2] == "required"
    assert _tables(_documented())["`backend`"]["backend.encrypt"][2] == "`true`"


def test_every_field_has_a_description() -> None:
    missing = [
        f"{config_model.__name__}.{name}"
        for config_model in _models()
        for name, field in config_model.model_fields.items()
        if not field.description
    ]
    assert not missing


def test_a_field_without_description_is_refused_by_name() -> None:
    class Undocumented(BaseModel):
        size: int = 1

    with pytest.raises(LookupError, match=r"Undocumented.size has no description"):
        reference.render(Undocumented)


class _Block(BaseModel):
    """A block."""

    count: Annotated[int, Field(ge=0, le=1000)] = Field(1, description="how many")
    names: Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=10)] | None = Field(
        None, description="names"
    )
    mode: Literal["a", "b"] = Field("a", description="the mode")
    items: list[int] = Field(description="at least none")


def test_types_show_their_bounds_and_choices() -> None:
    rows = _tables(reference.render(_Block))["Top level"]
    assert rows["count"][1:3] == ["integer, 0-1000", "`1`"]
    assert rows["names"][1:3] == ["list of string (1-64 characters), at most 10 items", "unset"]
    assert rows["mode"][1] == "`a` \\| `b`"
    assert rows["items"][1:3] == ["list of integer", "required"]


def test_nested_blocks_get_their_own_section_once() -> None:
    titles = [section.title for section in reference.sections()]
    assert len(titles) == len(set(titles))
    assert {"Top level", "`network.egress[]`", "`pipelines.<pipeline>.autoscaling.schedules.<name>`"} <= set(titles)
    assert "`pipelines.<pipeline>.variants.<variant>`" not in titles  # a variant's keys are its pipeline's


def test_splice_replaces_only_the_generated_part() -> None:
    document = f"intro\n{reference.BEGIN}\nold\n{reference.END}\nafter\n"
    assert reference.splice(document, "new") == f"intro\n{reference.BEGIN}\nnew\n{reference.END}\nafter\n"


def test_splice_refuses_a_document_without_markers() -> None:
    with pytest.raises(ValueError, match="markers"):
        reference.splice("no markers here", "new")


def test_the_command_prints_the_generated_part(capsys: pytest.CaptureFixture[str]) -> None:
    assert reference.main([]) == 0
    assert capsys.readouterr().out == reference.render() + "\n"
